package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order (a tree: lanes i and i ^ FL/2, then i ^ FL/4, ...), the same
 * in interpreted, C1- and C2-compiled code. Why not {@code reduceLanes(ADD)}: its order is unspecified, and C2's
 * intrinsic adds in another order than the plain-Java fallback that runs before a method is compiled, so one kernel
 * gave results differing in the last bits between calls, and two kernels that keep each other's arithmetic (a
 * repacked one and its plain original) differed whenever only one of them was compiled yet.
 */
final class LaneSums {
    private LaneSums() {}

    private static final VectorSpecies<Float> F = VectorWidth.F;
    private static final int FL = VectorWidth.FL;
    private static final VectorShuffle<Float> HALF = VectorShuffle.fromOp(F, i -> i ^ (FL / 2)),
            QUARTER = VectorShuffle.fromOp(F, i -> i ^ (FL / 4)), EIGHTH = VectorShuffle.fromOp(F, i -> i ^ Math.max(1, FL / 8));

    static float sum(FloatVector v) {
        v = v.add(v.rearrange(HALF));
        v = v.add(v.rearrange(QUARTER));
        if (FL == 8) v = v.add(v.rearrange(EIGHTH));
        return v.lane(0);
    }
}
