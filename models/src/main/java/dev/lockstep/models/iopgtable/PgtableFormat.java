package dev.lockstep.models.iopgtable;

import dev.lockstep.models.vmsa.Granule;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The io-pgtable formats Lockstep knows, with the names users type and the numbers the wire uses;
 * the model has every one's contract and walker.
 */
public enum PgtableFormat {
    ARM_64_LPAE_S1("arm64-lpae-s1", 1, List.of(Granule.G4K, Granule.G16K, Granule.G64K), 32, 48, 32, 48),
    ARM_64_LPAE_S2("arm64-lpae-s2", 2, List.of(Granule.G4K, Granule.G16K, Granule.G64K), 32, 48, 32, 48),
    ARM_32_LPAE_S1("arm32-lpae-s1", 3, List.of(Granule.G4K), 32, 32, 32, 40),
    ARM_32_LPAE_S2("arm32-lpae-s2", 4, List.of(Granule.G4K), 32, 40, 32, 40),
    ARM_MALI_LPAE("mali", 5, List.of(Granule.G4K), 32, 48, 32, 40),
    APPLE_DART("dart", 6, List.of(Granule.G4K, Granule.G16K), 32, 32, 36, 36),
    APPLE_DART2("dart2", 7, List.of(Granule.G4K, Granule.G16K), 32, 32, 36, 42);

    private final String cliName;
    private final int wireCode;
    private final List<Granule> granules;
    private final int minIas;
    private final int maxIas;
    private final int minOas;
    private final int maxOas;

    PgtableFormat(String cliName, int wireCode, List<Granule> granules, int minIas, int maxIas,
                  int minOas, int maxOas) {
        this.cliName = cliName;
        this.wireCode = wireCode;
        this.granules = granules;
        this.minIas = minIas;
        this.maxIas = maxIas;
        this.minOas = minOas;
        this.maxOas = maxOas;
    }

    public String cliName() { return cliName; }
    public int wireCode() { return wireCode; }
    public List<Granule> granules() { return granules; }
    public int minIas() { return minIas; }
    public int maxIas() { return maxIas; }
    public int minOas() { return minOas; }
    public int maxOas() { return maxOas; }

    /** Whether tables of this format are walked as VMSA stage 2 (else stage 1). */
    public boolean stage2() {
        return this == ARM_64_LPAE_S2 || this == ARM_32_LPAE_S2;
    }

    /** The walker that judges this format's tables, as `lockstep formats` names it. */
    public String walker() {
        return switch (this) {
            case ARM_64_LPAE_S1, ARM_32_LPAE_S1 -> "VMSA stage 1";
            case ARM_64_LPAE_S2, ARM_32_LPAE_S2 -> "VMSA stage 2";
            case ARM_MALI_LPAE -> "Mali LPAE (legacy mode)";
            case APPLE_DART, APPLE_DART2 -> "DART";
        };
    }

    public static Optional<PgtableFormat> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName.equalsIgnoreCase(name)).findFirst();
    }
}
