package io.github.lfm4j.langchain4j;

import com.fasterxml.jackson.core.json.PackageVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What this artifact brings onto an application's class path (its tests see the same, plus test-scope libraries). */
class PackagingTest {

    /** The CLI's picocli is optional in runner, so a library user does not get it. */
    @Test
    void theCliDependencyIsNotPulledIn() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("picocli.CommandLine"));
    }

    /** One Jackson line for lfm4j and LangChain4j: databind and core of the same minor version. */
    @Test
    void jacksonVersionsAgree() {
        var core = PackageVersion.VERSION;
        var databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION;
        assertEquals(core.getMajorVersion() + "." + core.getMinorVersion(),
                databind.getMajorVersion() + "." + databind.getMinorVersion());
    }
}
