package dev.lockstep.models.uat;

import java.util.Objects;

/**
 * The access a UAT page's AP, UXN, PXN and GPU_ACCESS bits give: a cell of the sheet's table when
 * GPU_ACCESS is set, or, when it is clear, a reference into the firmware's SPRR permission table,
 * which the sheet does not give and the model does not guess.
 */
public sealed interface UatAccess permits UatAccess.Rights, UatAccess.FirmwareSprr {

    int ap();

    boolean uxn();

    boolean pxn();

    /** A cell of the GPU_ACCESS = 1 table: what the firmware and the GPU may each do. */
    record Rights(int ap, boolean uxn, boolean pxn, UatRights fw, UatRights gpu) implements UatAccess {
        public Rights {
            Objects.requireNonNull(fw, "fw");
            Objects.requireNonNull(gpu, "gpu");
            if (ap < 0 || ap > 3) {
                throw new IllegalArgumentException("AP is a 2-bit field: " + ap);
            }
        }

        /** Whether neither agent may touch the page. */
        public boolean none() {
            return !fw.read() && !fw.write() && !gpu.read() && !gpu.write();
        }

        /** The cell as the sheet writes it: "none", "FW RO", "GPU WO (FW -?)", "FW RW + GPU RO". */
        public String label() {
            if (none() && fw.confirmed()) {
                return "none";
            }
            if (fw == gpu) {
                return "FW+GPU " + fw.label();
            }
            if (fw == UatRights.NONE) {
                return "GPU " + gpu.label();
            }
            if (gpu == UatRights.NONE) {
                return "FW " + fw.label();
            }
            if (!fw.confirmed()) {
                return "GPU " + gpu.label() + " (FW " + fw.label() + ")";
            }
            return "FW " + fw.label() + " + GPU " + gpu.label();
        }
    }

    /**
     * GPU_ACCESS = 0: the bits index the firmware's SPRR permission table (m1n1 {@code access_fw}),
     * which the sheet does not give. The rights are unknown to the model.
     */
    record FirmwareSprr(int ap, boolean uxn, boolean pxn) implements UatAccess {
        public FirmwareSprr {
            if (ap < 0 || ap > 3) {
                throw new IllegalArgumentException("AP is a 2-bit field: " + ap);
            }
        }
    }
}
