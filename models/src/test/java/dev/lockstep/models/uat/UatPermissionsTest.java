package dev.lockstep.models.uat;

import static dev.lockstep.models.uat.UatRights.NONE;
import static dev.lockstep.models.uat.UatRights.NONE_UNCONFIRMED;
import static dev.lockstep.models.uat.UatRights.RO;
import static dev.lockstep.models.uat.UatRights.RW;
import static dev.lockstep.models.uat.UatRights.WO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The GPU_ACCESS = 1 table of fact sheet §3, cell by cell. Columns are (UXN, PXN): the second
 * column is UXN = 0, PXN = 1.
 */
class UatPermissionsTest {

    static void cell(int ap, int uxn, int pxn, UatRights fw, UatRights gpu, String label) {
        UatAccess.Rights c = UatPermissions.cell(ap, uxn == 1, pxn == 1);
        String at = "AP " + ap + " (" + uxn + "," + pxn + ")";
        assertEquals(ap, c.ap(), at);
        assertEquals(uxn == 1, c.uxn(), at);
        assertEquals(pxn == 1, c.pxn(), at);
        assertEquals(fw, c.fw(), at + " FW");
        assertEquals(gpu, c.gpu(), at + " GPU");
        assertEquals(label, c.label(), at);
        assertEquals(c, UatPermissions.of(ap, uxn == 1, pxn == 1, true), at);
    }

    @Test
    void apZeroIsShared() {
        cell(0, 0, 0, NONE, NONE, "none");
        cell(0, 0, 1, RO, RO, "FW+GPU RO");
        cell(0, 1, 0, NONE_UNCONFIRMED, WO, "GPU WO (FW -?)");
        cell(0, 1, 1, RW, RW, "FW+GPU RW");
    }

    @Test
    void apOneIsTheFirmwares() {
        cell(1, 0, 0, RO, NONE, "FW RO");
        cell(1, 0, 1, NONE, NONE, "none");
        cell(1, 1, 0, RW, NONE, "FW RW");
        cell(1, 1, 1, RW, RO, "FW RW + GPU RO");
    }

    @Test
    void apTwoIsTheGpusOnly() {
        cell(2, 0, 0, NONE, RO, "GPU RO");
        cell(2, 0, 1, NONE, WO, "GPU WO");
        cell(2, 1, 0, NONE, RW, "GPU RW");
        cell(2, 1, 1, NONE, NONE, "none");
    }

    @Test
    void apThreeGivesNothing() {
        for (int uxn = 0; uxn < 2; uxn++) {
            for (int pxn = 0; pxn < 2; pxn++) {
                cell(3, uxn, pxn, NONE, NONE, "none");
                assertTrue(UatPermissions.cell(3, uxn == 1, pxn == 1).none());
            }
        }
    }

    @Test
    void rightsReadAndWrite() {
        assertFalse(NONE.read() || NONE.write());
        assertTrue(RO.read() && !RO.write());
        assertTrue(!WO.read() && WO.write());
        assertTrue(RW.read() && RW.write());
        assertFalse(NONE_UNCONFIRMED.read() || NONE_UNCONFIRMED.write());
        assertFalse(NONE_UNCONFIRMED.confirmed());
        assertTrue(NONE.confirmed() && RO.confirmed() && WO.confirmed() && RW.confirmed());
        // The one unsure cell is the only one in the table.
        assertEquals(1, UatPermissions.table().stream().filter(c -> !c.fw().confirmed() || !c.gpu().confirmed()).count());
    }

    @Test
    void theTableHasSixteenCellsInTheSheetsOrder() {
        assertEquals(16, UatPermissions.table().size());
        for (int i = 0; i < 16; i++) {
            UatAccess.Rights c = UatPermissions.table().get(i);
            assertEquals(i / 4, c.ap());
            assertEquals((i & 2) != 0, c.uxn());
            assertEquals((i & 1) != 0, c.pxn());
        }
    }

    @Test
    void itPrintsAsTheSheetWritesIt() {
        String expected = ""
                + "AP   (0,0)        (0,1)        (1,0)            (1,1)\n"
                + "0    none         FW+GPU RO    GPU WO (FW -?)   FW+GPU RW\n"
                + "1    FW RO        none         FW RW            FW RW + GPU RO\n"
                + "2    GPU RO       GPU WO       GPU RW           none\n"
                + "3    none         none         none             none\n";
        assertEquals(expected, UatPermissions.render());
    }

    @Test
    void withoutGpuAccessTheFirmwaresSprrViewIsNotGuessed() {
        UatAccess a = UatPermissions.of(2, true, false, false);
        UatAccess.FirmwareSprr s = assertInstanceOf(UatAccess.FirmwareSprr.class, a);
        assertEquals(2, s.ap());
        assertTrue(s.uxn());
        assertFalse(s.pxn());
    }

    @Test
    void apIsTwoBits() {
        assertThrows(IllegalArgumentException.class, () -> UatPermissions.cell(4, false, false));
        assertThrows(IllegalArgumentException.class, () -> UatPermissions.of(-1, false, false, false));
    }
}
