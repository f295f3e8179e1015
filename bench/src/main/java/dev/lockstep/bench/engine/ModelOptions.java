package dev.lockstep.bench.engine;

import dev.lockstep.models.dart.DartOptions;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.mali.MaliOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model options a user set (--model-option NAME=VALUE), kept as written: each format's model
 * reads the ones it knows (the VMSA formats' ContractOptions, DART's DartOptions, Mali's
 * ContractOptions plus MaliOptions) over its own
 * defaults. Reproducers and manifests store the options in effect, so a replay judges alike.
 */
public record ModelOptions(Map<String, String> assignments) {

    public ModelOptions {
        assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    public static ModelOptions none() {
        return new ModelOptions(Map.of());
    }

    /** Adds "name=value"; the name and value are checked when a format reads them. */
    public ModelOptions with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("model option '" + assignment + "' is not name=value; see docs/model.md");
        }
        Map<String, String> m = new LinkedHashMap<>(assignments);
        m.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
        return new ModelOptions(m);
    }

    public boolean isDart(PgtableFormat format) {
        return format == PgtableFormat.APPLE_DART || format == PgtableFormat.APPLE_DART2;
    }

    /** The VMSA contract's options; throws IllegalArgumentException naming an unknown option or value. */
    public ContractOptions vmsa() {
        return contract(false);
    }

    /** The LPAE contract's options for Mali: the VMSA ones, beside which Mali's own are allowed. */
    public ContractOptions maliContract() {
        return contract(true);
    }

    /** Mali's encoding options; throws IllegalArgumentException naming an unknown option or value. */
    public MaliOptions mali() {
        MaliOptions o = MaliOptions.defaults();
        for (Map.Entry<String, String> e : assignments.entrySet()) {
            if (MaliOptions.knows(e.getKey())) {
                o = o.with(e.getKey(), e.getValue());
            }
        }
        maliContract();
        return o;
    }

    private ContractOptions contract(boolean mali) {
        // Midgard sees the rest of the system as its outer shareable domain (it took inner
        // shareable for its own cores): a cacheable mapping coherent with the CPUs is outer
        // shareable. docs/model-mali.md, source 4.
        ContractOptions o = mali ? ContractOptions.defaults().with("cacheableShareability=OUTER") : ContractOptions.defaults();
        for (Map.Entry<String, String> e : assignments.entrySet()) {
            if (!(mali && MaliOptions.knows(e.getKey()))) {
                o = o.with(e.getKey() + "=" + e.getValue());
            }
        }
        return o;
    }

    /** DART's contract options; throws IllegalArgumentException naming an unknown option or value. */
    public DartOptions dart() {
        DartOptions o = DartOptions.defaults();
        for (Map.Entry<String, String> e : assignments.entrySet()) {
            o = o.with(e.getKey() + "=" + e.getValue());
        }
        return o;
    }

    /**
     * The options this format's model knows, the others left out: what a case of this format in a
     * campaign over several formats is judged with (the user's options were checked against every
     * format at the start; a resumed campaign's manifest holds the first format's in effect).
     */
    public ModelOptions forFormat(PgtableFormat format) {
        java.util.Set<String> known = isDart(format) ? DartOptions.defaults().asMap().keySet() : ContractOptions.defaults().asMap().keySet();
        Map<String, String> m = new LinkedHashMap<>(assignments);
        m.keySet().retainAll(known);
        return new ModelOptions(m);
    }

    /** Every option of the format's model with the value in effect, defaults included. */
    public Map<String, String> effective(PgtableFormat format) {
        if (isDart(format)) {
            return dart().asMap();
        }
        if (format == PgtableFormat.ARM_MALI_LPAE) {
            Map<String, String> m = new LinkedHashMap<>(maliContract().asMap());
            m.putAll(mali().asMap());
            return m;
        }
        return vmsa().asMap();
    }
}
