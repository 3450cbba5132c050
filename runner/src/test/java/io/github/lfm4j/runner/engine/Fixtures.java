package io.github.lfm4j.runner.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the shared test models (model module's test resources; Maven runs tests in the module directory). */
final class Fixtures {
    private Fixtures() {}

    static final Path DIR = Path.of("../model/src/test/resources/fixtures");

    static Path model(String name) {
        Path p = DIR.resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing test fixture " + p.toAbsolutePath());
        return p;
    }
}
