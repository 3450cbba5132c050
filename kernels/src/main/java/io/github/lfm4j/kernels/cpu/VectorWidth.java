package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector width all CPU kernels compute with: 256 bits where the platform has vectors at least that wide
 * (x86 with AVX2 or AVX-512, aarch64 with wide SVE), else 128 bits (aarch64 NEON: Jetson, Apple, phones).
 * <p>
 * Why one choice, made here: C2 compiles a Vector API operation to vector instructions only if the CPU has vectors
 * of that width (HotSpot's {@code MaxVectorSize}); a wider species falls back to plain Java on boxed arrays,
 * 10-100x slower. The kernels are written for 256 bits (a block of 32 int8 weights is two vectors of 16 shorts),
 * so they never use more, and on 128-bit machines they run each such vector as two halves.
 * <p>
 * The species below are {@code static final}, so C2 folds them and their lane counts into the compiled kernels:
 * the width is fixed for the life of the JVM. {@code -Dlfm4j.vectorBits=128|256} forces it, for tests of the other
 * shape and for diagnosis; that can select a width wider than the CPU's, which is then slow but still correct.
 */
public final class VectorWidth {
    private VectorWidth() {}

    /** System property that forces the width. */
    public static final String PROPERTY = "lfm4j.vectorBits";

    private static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    private static final String PROPERTY_VALUE = System.getProperty(PROPERTY);
    /**
     * Null, or why the property's value was rejected. A class initializer must not throw (the CLI would show an
     * {@link ExceptionInInitializerError} with its stack trace), so the rejection is raised by {@link #bits()},
     * which every kernel's constructor calls, as a one-line {@link IllegalArgumentException}.
     */
    private static final String PROPERTY_ERROR = validate(PROPERTY_VALUE);

    static final int BITS = choose(PROPERTY_ERROR == null ? PROPERTY_VALUE : null, PREFERRED_BITS);

    /** Floats: 8 lanes at 256 bits, 4 at 128. */
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(BITS));
    static final int FL = F.length();
    /** Ints, as many lanes as {@link #F}: integer sums converted to floats lane for lane. */
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(BITS));
    /** Shorts, for the int8 products: 16 lanes at 256 bits, 8 at 128. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(BITS));
    static final int SL = S.length();
    /**
     * The 16 shorts a 256-bit kernel handles as one vector are {@code SHORT_PARTS} vectors of {@link #S}: 1 or 2
     * (how the kernels step through them: {@link Int8DotKernel}).
     */
    static final int SHORT_PARTS = 16 / SL;
    /** Bytes that widen lane for lane into {@link #S}: half its bits. */
    static final VectorSpecies<Byte> B_FOR_S = VectorSpecies.of(byte.class, VectorShape.forBitSize(BITS / 2));
    /** Shorts that widen lane for lane into {@link #F} or {@link #I}: half their bits. */
    static final VectorSpecies<Short> S_FOR_F = VectorSpecies.of(short.class, VectorShape.forBitSize(BITS / 2));
    /**
     * Eight bytes, the narrowest byte vector there is: one {@link #F} vector at 256 bits; at 128 bits
     * {@code 8 / FL = 2} of them, taken as parts of the conversion ({@code castShape(F, part)}).
     */
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final int B64_PARTS = 8 / FL;

    /**
     * Floats for loops that are not tied to the 256-bit block layout ({@link VectorOps}): the platform's preferred
     * species, which C2 always compiles (512 bits on AVX-512, where it measured 15-45% faster than 256 for the
     * attention and SwiGLU loops), or the forced width when {@code -Dlfm4j.vectorBits} is set, so that the 128-bit
     * test run covers these loops too.
     */
    static final VectorSpecies<Float> F_PREFERRED = PROPERTY_VALUE != null && PROPERTY_ERROR == null ? F : FloatVector.SPECIES_PREFERRED;

    /**
     * The width in bits (128 or 256) the CPU kernels compute with, for diagnostics.
     *
     * @throws IllegalArgumentException when {@code -Dlfm4j.vectorBits} has a value other than 128 or 256
     */
    public static int bits() {
        if (PROPERTY_ERROR != null) throw new IllegalArgumentException(PROPERTY_ERROR);
        return BITS;
    }

    /** The width the platform's preferred float species has (what {@link #bits()} is at most, unless forced). */
    public static int preferredBits() {
        return PREFERRED_BITS;
    }

    /**
     * The width for a property value ({@code null} when unset) on a platform whose preferred species has
     * {@code preferredBits}: the property's value when set, else 256 if the platform has at least 256, else 128
     * (128-bit vectors are the narrowest that C2 compiles the kernels' conversions for; narrower platforms get
     * 128 and the slow fallback rather than no answer).
     *
     * @throws IllegalArgumentException for a value other than 128 or 256
     */
    static int choose(String property, int preferredBits) {
        String error = validate(property);
        if (error != null) throw new IllegalArgumentException(error);
        if (property != null) return Integer.parseInt(property.strip());
        return preferredBits >= 256 ? 256 : 128;
    }

    private static String validate(String property) {
        if (property == null) return null;
        String v = property.strip();
        return v.equals("128") || v.equals("256") ? null
                : "-D" + PROPERTY + " must be 128 or 256 (bits per vector), got '" + property + "'";
    }
}
