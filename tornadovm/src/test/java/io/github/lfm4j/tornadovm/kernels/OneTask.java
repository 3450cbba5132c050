package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs one kernel as a one-task graph on the default device: all arguments copied in, the outputs copied back. */
final class OneTask {
    private OneTask() {}

    private static int graphs;

    /**
     * @param addTask adds the task named "k" to the graph
     * @param global  work-items in total; {@code local} per work-group
     */
    static void run(Object[] inputs, Object[] outputs, UnaryOperator<TaskGraph> addTask, int global, int local) {
        String name = "g" + (graphs++);
        TaskGraph tg = new TaskGraph(name).transferToDevice(DataTransferMode.EVERY_EXECUTION, inputs);
        tg = addTask.apply(tg).transferToHost(DataTransferMode.EVERY_EXECUTION, outputs);
        WorkerGrid1D grid = new WorkerGrid1D(global);
        grid.setLocalWork(local, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(tg.snapshot())) {
            plan.withGridScheduler(new GridScheduler(name + ".k", grid)).execute();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static FloatArray random(Random r, int n, float scale) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, (r.nextFloat() * 2 - 1) * scale);
        return a;
    }

    static FloatArray nan(int n) {
        FloatArray a = new FloatArray(n);
        a.init(Float.NaN);
        return a;
    }

    static FloatArray copy(FloatArray a) {
        FloatArray c = new FloatArray(a.getSize());
        for (int i = 0; i < a.getSize(); i++) c.set(i, a.get(i));
        return c;
    }

    /** Element-wise |gpu - cpu| ≤ tol·max(1, |cpu|), and no NaN left by an unwritten element. */
    static void assertClose(FloatArray cpu, FloatArray gpu, float tol, String what) {
        assertEquals(cpu.getSize(), gpu.getSize());
        for (int i = 0; i < cpu.getSize(); i++) {
            float c = cpu.get(i), g = gpu.get(i);
            assertTrue(!Float.isNaN(g), what + "[" + i + "] was not written (NaN)");
            assertTrue(Math.abs(c - g) <= tol * Math.max(1f, Math.abs(c)),
                    what + "[" + i + "]: gpu " + g + " vs cpu " + c);
        }
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
