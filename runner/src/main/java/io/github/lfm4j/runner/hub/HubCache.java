package io.github.lfm4j.runner.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The {@code huggingface_hub} cache layout, so files downloaded by Python tools are reused and vice versa:
 * <pre>
 * CACHE/models--ORG--NAME/blobs/ETAG                 the file's bytes, named by its sha256 (LFS) or git blob sha1
 * CACHE/models--ORG--NAME/snapshots/COMMIT/PATH      a relative symlink to ../../blobs/ETAG
 * CACHE/models--ORG--NAME/refs/REVISION              the commit the revision pointed to
 * CACHE/.locks/models--ORG--NAME/ETAG.lock           held while a blob is downloaded
 * </pre>
 * A blob is downloaded as {@code ETAG.incomplete} and renamed only once its size and hash are verified, so a
 * partial or corrupt download is never seen as a model.
 */
public final class HubCache {
    /** In-process locks by lock file: a JVM cannot hold two {@link FileLock}s on one file, so threads queue here first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    static String folderName(RepoRef ref) {
        return "models--" + ref.org() + "--" + ref.name();
    }

    public Path repoDir(RepoRef ref) {
        return root.resolve(folderName(ref));
    }

    Path blob(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag);
    }

    Path incomplete(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag + ".incomplete");
    }

    public Path snapshot(RepoRef ref, String commit) {
        return repoDir(ref).resolve("snapshots").resolve(commit);
    }

    /** The commit the revision points to in the cache, or null (a 40-hex revision is its own commit). */
    public String commit(RepoRef ref) {
        if (ref.revision().matches("[0-9a-f]{40}")) return ref.revision();
        Path f = repoDir(ref).resolve("refs").resolve(ref.revision());
        try {
            return Files.isRegularFile(f) ? Files.readString(f).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeRef(RepoRef ref, String commit) throws IOException {
        if (ref.revision().equals(commit)) return;
        Path f = repoDir(ref).resolve("refs").resolve(ref.revision());
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
        Files.writeString(tmp, commit);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Points snapshots/COMMIT/PATH at the blob (a relative symlink, as huggingface_hub; a copy where links fail). */
    Path link(RepoRef ref, String commit, String path, String etag) throws IOException {
        Path target = snapshot(ref, commit).resolve(path);
        Files.createDirectories(target.getParent());
        Path blob = blob(ref, etag);
        if (Files.exists(target)) {
            if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).getFileName().toString().equals(etag)) return target;
            Files.delete(target);
        }
        Path relative = target.getParent().relativize(blob);
        try {
            Files.createSymbolicLink(target, relative);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another process linked it meanwhile: same blob, nothing to do
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Runs {@code action} holding the blob's lock, against other threads and other processes. */
    <T> T locked(RepoRef ref, String etag, IoAction<T> action) throws IOException {
        Path lockFile = root.resolve(".locks").resolve(folderName(ref)).resolve(etag + ".lock");
        Files.createDirectories(lockFile.getParent());
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return action.run();
        } finally {
            local.unlock();
        }
    }

    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    /** One cached repository for {@code lfm4j models}. */
    public record CachedRepo(String repo, List<String> revisions, List<CachedFile> files, long bytes) {}

    /** A file of a snapshot, its size, and whether its blob is there (a dangling link means a deleted blob). */
    public record CachedFile(String commit, String path, long size, boolean present) {}

    /** Every models--* folder with its refs and snapshot files. */
    public List<CachedRepo> list() throws IOException {
        List<CachedRepo> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> repos = Files.list(root)) {
            for (Path dir : repos.filter(p -> p.getFileName().toString().startsWith("models--")).sorted().toList()) {
                String repo = dir.getFileName().toString().substring("models--".length()).replaceFirst("--", "/");
                List<String> revs = new ArrayList<>();
                Path refs = dir.resolve("refs");
                if (Files.isDirectory(refs)) {
                    try (Stream<Path> r = Files.walk(refs)) {
                        for (Path p : r.filter(Files::isRegularFile).sorted().toList()) {
                            revs.add(refs.relativize(p) + " -> " + Files.readString(p).strip());
                        }
                    }
                }
                List<CachedFile> files = new ArrayList<>();
                long bytes = 0;
                Path snaps = dir.resolve("snapshots");
                if (Files.isDirectory(snaps)) {
                    try (Stream<Path> s = Files.walk(snaps)) {
                        for (Path p : s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                            Path rel = snaps.relativize(p);
                            boolean present = Files.exists(p);
                            long size = present ? Files.size(p) : 0;
                            files.add(new CachedFile(rel.getName(0).toString(), rel.subpath(1, rel.getNameCount()).toString(), size, present));
                        }
                    }
                }
                Path blobs = dir.resolve("blobs");
                if (Files.isDirectory(blobs)) {
                    try (Stream<Path> b = Files.list(blobs)) {
                        for (Path p : b.filter(Files::isRegularFile).toList()) bytes += Files.size(p);
                    }
                }
                out.add(new CachedRepo(repo, revs, files, bytes));
            }
        }
        return out;
    }
}
