package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The choice of the kernels' vector width: from the platform's preferred species unless -Dlfm4j.vectorBits forces
 * it. The build runs this class twice, without the property and with it set to 128 (see kernels/pom.xml).
 */
class VectorWidthTest {

    @Test
    void widthFollowsThePreferredSpeciesButNeverExceedsIt() {
        assertEquals(256, VectorWidth.choose(null, 512));
        assertEquals(256, VectorWidth.choose(null, 256));
        assertEquals(128, VectorWidth.choose(null, 128));
        // narrower than anything the kernels can use: the narrowest they have, slow but correct
        assertEquals(128, VectorWidth.choose(null, 64));
    }

    @Test
    void propertyForcesEitherWidth() {
        assertEquals(128, VectorWidth.choose("128", 512));
        assertEquals(256, VectorWidth.choose("256", 128));
        assertEquals(128, VectorWidth.choose(" 128 ", 256));
    }

    @Test
    void otherPropertyValuesAreRejectedInOneLine() {
        for (String bad : new String[]{"512", "64", "", "wide", "128bits", "-256"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose(bad, 256), bad);
            assertTrue(e.getMessage().contains("lfm4j.vectorBits") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** This JVM's width obeys the property when set (the 128-bit test run) and the preferred species otherwise. */
    @Test
    void thisJvmsWidthAndSpecies() {
        String forced = System.getProperty(VectorWidth.PROPERTY);
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        assertEquals(preferred, VectorWidth.preferredBits());
        int bits = VectorWidth.bits();
        if (forced != null) assertEquals(Integer.parseInt(forced), bits);
        else assertEquals(preferred >= 256 ? 256 : 128, bits);
        assertEquals(bits, VectorWidth.F.vectorBitSize());
        assertEquals(bits, VectorWidth.I.vectorBitSize());
        assertEquals(bits, VectorWidth.S.vectorBitSize());
        assertEquals(bits / 32, VectorWidth.FL);
        assertEquals(bits / 16, VectorWidth.SL);
        assertEquals(16, VectorWidth.SHORT_PARTS * VectorWidth.SL);
        assertEquals(VectorWidth.SL, VectorWidth.B_FOR_S.length());
        assertEquals(VectorWidth.FL, VectorWidth.S_FOR_F.length());
        assertEquals(8, VectorWidth.B64_PARTS * VectorWidth.FL);
        assertEquals(forced != null ? bits : preferred, VectorWidth.F_PREFERRED.vectorBitSize());
    }
}
