package io.github.lfm4j.runner.api;

import io.github.lfm4j.runner.engine.EngineSession;
import io.github.lfm4j.runner.engine.Session;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine selection without a GPU engine on the class path (the runner's own tests). */
class LoadedEngineTest {

    @Test
    void cpuGivesIndependentSessionsOfTheAskedContext() {
        try (LoadedEngine e = LoadedEngine.load(TinyModel.PATH, new ModelOptions(Device.CPU, 1, 64), n -> {})) {
            assertEquals(Device.CPU, e.device());
            assertEquals("cpu (1 threads)", e.deviceName());
            assertEquals(Integer.MAX_VALUE, e.maxSessions());
            assertTrue(e.gpuModel().isEmpty() && e.cpuModel().isPresent());
            EngineSession a = e.newSession(), b = e.newSession();
            assertNotSame(a, b);
            assertInstanceOf(Session.class, a);
            assertEquals(64, a.context());
            a.prefill(new int[]{1, 2});
            assertEquals(0, b.position());
            assertEquals("lfm2", e.file().getString("general.architecture", null), "metadata from the host mapping");
        }
    }

    @Test
    void autoWithoutAGpuEngineIsTheCpuWithTheTrainedContext() {
        StringBuilder notices = new StringBuilder();
        try (LoadedEngine e = LoadedEngine.load(TinyModel.PATH, new ModelOptions(Device.AUTO, 1, 0), notices::append)) {
            assertEquals(Device.CPU, e.device());
            assertEquals(e.config().contextLength(), e.context());
        }
        assertEquals("", notices.toString(), "falling back to the CPU is silent");
    }

    @Test
    void badRequestsAreOneLine() {
        assertEquals("model file not found: none.gguf", assertThrows(IllegalArgumentException.class,
                () -> LoadedEngine.load(Path.of("none.gguf"), ModelOptions.defaults(), n -> {})).getMessage());
        assertEquals("context of 100000 tokens exceeds the model's trained context of 512 tokens",
                assertThrows(IllegalArgumentException.class, () -> LoadedEngine.load(TinyModel.PATH,
                        new ModelOptions(Device.CPU, 1, 100_000), n -> {})).getMessage());
        assertThrows(IllegalStateException.class,
                () -> LoadedEngine.load(TinyModel.PATH, new ModelOptions(Device.GPU, 1, 0), n -> {}));
    }
}
