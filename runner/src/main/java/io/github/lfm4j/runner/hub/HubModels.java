package io.github.lfm4j.runner.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Models by name from the Hugging Face Hub, through the {@code huggingface_hub} cache: {@link #resolve} returns the
 * local path of {@code ORG/NAME[:QUANT]} (a {@code .gguf} file, or a checkpoint's snapshot directory), downloading
 * what the cache lacks. Downloads are verified (size, and sha256 for LFS files or the git blob hash for small ones)
 * before they enter the cache, resumed with {@code Range} after a dropped connection (up to
 * {@value #ATTEMPTS} attempts, and on the next run), and serialised per file across threads and processes. Offline,
 * only the cache is read.
 */
public final class HubModels {
    static final int ATTEMPTS = 5;
    /** Files smaller than this download without progress output. */
    static final long QUIET_BELOW = 256 << 10;

    private final HubSettings settings;
    private final HubCache cache;
    private final PrintStream progressOut;
    private final boolean terminal;

    /** @param progressOut where progress and notices go (null for none); {@code terminal}: redraw one line */
    public HubModels(HubSettings settings, PrintStream progressOut, boolean terminal) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.progressOut = progressOut;
        this.terminal = terminal;
    }

    public HubCache cache() {
        return cache;
    }

    /** The local path of {@code ref}'s model, downloaded first unless cached (or unless offline). */
    public Path resolve(RepoRef ref) {
        if (settings.offline()) return resolveOffline(ref);
        try {
            return resolveOnline(ref);
        } catch (HubException e) {
            // No connection at all: what the cache holds still runs (huggingface_hub falls back the same way).
            if (!e.unreachable() || cache.commit(ref) == null) throw e;
            Path cached;
            try {
                cached = resolveOffline(ref);
            } catch (HubException notCached) {
                throw e;
            }
            if (progressOut != null) progressOut.println("lfm4j: " + e.getMessage() + "; using the cached " + ref);
            return cached;
        }
    }

    private Path resolveOnline(RepoRef ref) {
        HubClient client = new HubClient(settings);
        List<String> paths = client.listFiles(ref).stream().map(HubClient.RepoFile::path).toList();
        FileChoice choice = FileChoice.choose(ref, paths);
        String commit = null;
        Path first = null;
        try {
            for (String file : choice.files()) {
                HubClient.FileMeta meta = client.head(ref, file);
                if (commit != null && !commit.equals(meta.commit())) {
                    throw new HubException(ref.repo() + " changed while downloading (commit " + commit + " then " + meta.commit() + "); run again");
                }
                commit = meta.commit();
                Path p = fetch(client, ref, meta);
                if (first == null) first = p;
            }
            cache.writeRef(ref, commit);
        } catch (IOException e) {
            throw new HubException("cache " + cache.root() + ": " + e.getMessage());
        }
        return choice.checkpoint() ? cache.snapshot(ref, commit) : first;
    }

    private Path resolveOffline(RepoRef ref) {
        String commit = cache.commit(ref);
        Path snap = commit == null ? null : cache.snapshot(ref, commit);
        if (snap == null || !Files.isDirectory(snap)) {
            throw new HubException(ref.repo() + " (revision " + ref.revision() + ") is not in the cache " + cache.root()
                    + " and offline mode (--offline / HF_HUB_OFFLINE) forbids downloading it");
        }
        List<String> local;
        try (Stream<Path> s = Files.walk(snap)) {
            local = s.filter(Files::isRegularFile).map(p -> snap.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileChoice choice = FileChoice.choose(ref, local);
        return choice.checkpoint() ? snap : snap.resolve(choice.files().get(0));
    }

    /** The snapshot path of one file, its blob downloaded and verified unless the cache has it. */
    private Path fetch(HubClient client, RepoRef ref, HubClient.FileMeta meta) throws IOException {
        Path blob = cache.blob(ref, meta.etag());
        if (Files.isRegularFile(blob) && (meta.size() < 0 || Files.size(blob) == meta.size())) {
            return cache.link(ref, meta.commit(), meta.path(), meta.etag());
        }
        return cache.locked(ref, meta.etag(), () -> {
            // a concurrent download (another thread or process) may have finished while this one waited
            if (!Files.isRegularFile(blob)) download(client, ref, meta, blob);
            return cache.link(ref, meta.commit(), meta.path(), meta.etag());
        });
    }

    private void download(HubClient client, RepoRef ref, HubClient.FileMeta meta, Path blob) throws IOException {
        Path part = cache.incomplete(ref, meta.etag());
        Files.createDirectories(part.getParent());
        String name = meta.path().substring(meta.path().lastIndexOf('/') + 1);
        // Small files (configs, tokenizers) arrive in a blink: progress lines would only be noise.
        DownloadProgress progress = progressOut == null || (meta.size() >= 0 && meta.size() < QUIET_BELOW) ? DownloadProgress.none()
                : new DownloadProgress(progressOut, terminal, name, meta.size());
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                client.fetchInto(ref, meta, part, progress);
                last = null;
                if (meta.size() < 0 || Files.size(part) >= meta.size()) break;
            } catch (IOException e) {
                last = e; // a dropped connection: what arrived stays in the .incomplete file, the next attempt resumes
            }
            progress.finish();
        }
        progress.finish();
        if (last != null || (meta.size() >= 0 && Files.size(part) != meta.size())) {
            throw new HubException(ref.repo() + "/" + meta.path() + ": download failed after " + ATTEMPTS + " attempts ("
                    + (last != null ? last.getMessage() : Files.size(part) + " of " + meta.size() + " bytes")
                    + "); run again to resume");
        }
        String actual = hash(part, meta.etag().length() == 64, Files.size(part));
        if (!actual.equals(meta.etag())) {
            Files.deleteIfExists(part);
            throw new HubException(ref.repo() + "/" + meta.path() + ": " + (meta.etag().length() == 64 ? "sha256" : "git hash")
                    + " mismatch (expected " + meta.etag() + ", got " + actual + "); the download was deleted");
        }
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
    }

    /** sha256 of the file (LFS etag), or git's blob sha1 ("blob SIZE\0" + bytes) for files stored in git itself. */
    static String hash(Path file, boolean sha256, long size) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(sha256 ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!sha256) md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) >= 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
