package io.github.lfm4j.runner.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub on loopback, written from the Hub's documented behaviour (not from the client): the tree
 * listing, {@code resolve} with the Hub's headers (X-Repo-Commit, X-Linked-Etag = sha256 and X-Linked-Size for LFS
 * files, which redirect to a CDN on another host name; ETag = git blob sha1 for small files, served directly), and a
 * CDN honouring {@code Range}. It can misbehave: drop the connection mid-file, serve bytes that do not match the
 * advertised sha256, demand a token (gated repository), and it counts what it served.
 */
public final class FakeHub implements AutoCloseable {
    record Repo(String commit, Map<String, byte[]> files, String token) {}

    final HttpServer server;
    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    /** Drop the connection after this many bytes for the next {@code drops} CDN requests. */
    volatile long dropAfter = -1;
    final AtomicInteger drops = new AtomicInteger();
    /** Serve the LFS bytes with one byte changed. */
    volatile boolean corrupt;
    /** Slow the CDN down (ms per 16 KiB), so concurrent downloads overlap. */
    volatile int slowMs;
    public final AtomicInteger cdnBodies = new AtomicInteger();
    final List<String> cdnRanges = new CopyOnWriteArrayList<>();
    final List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    final AtomicInteger apiCalls = new AtomicInteger();
    /** List one file per page, linking the next page as the Hub does ({@code Link: <...>; rel="next"}). */
    volatile boolean paginate;

    public FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    /** The Hub's address; the CDN is the same server reached as "localhost", another host name. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void add(String repo, String token, Map<String, byte[]> files) {
        repos.put(repo, new Repo(sha1(repo + files.keySet()), files, token));
    }

    static boolean isLfs(String path) {
        return path.endsWith(".gguf") || path.endsWith(".safetensors");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring(5));
                return;
            }
            apiCalls.incrementAndGet();
            String[] p = path.substring(1).split("/", 5);
            boolean api = p.length >= 5 && p[0].equals("api") && p[1].equals("models") && p[4].startsWith("tree/");
            String repoName = api ? p[2] + "/" + p[3] : p.length >= 2 ? p[0] + "/" + p[1] : "";
            Repo repo = repos.get(repoName);
            if (repo == null) {
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                send(ex, 404, "{\"error\":\"Repository not found\"}");
                return;
            }
            if (repo.token != null && !("Bearer " + repo.token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("X-Error-Code", "GatedRepo");
                send(ex, 401, "{\"error\":\"Access to model " + repoName + " is restricted.\"}");
                return;
            }
            if (api) {
                ArrayNode list = new ObjectMapper().createArrayNode();
                List<String> names = new java.util.ArrayList<>(repo.files.keySet());
                String q = ex.getRequestURI().getQuery();
                int cursor = q != null && q.contains("cursor=") ? Integer.parseInt(q.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
                List<String> page = paginate ? names.subList(cursor, Math.min(cursor + 1, names.size())) : names;
                list.addObject().put("type", "directory").put("path", "sub").put("oid", "0");
                for (String name : page) {
                    byte[] bytes = repo.files.get(name);
                    var f = list.addObject().put("type", "file").put("path", name).put("size", bytes.length).put("oid", gitSha1(bytes));
                    if (isLfs(name)) f.putObject("lfs").put("oid", sha256(bytes)).put("size", bytes.length);
                }
                if (paginate && cursor + 1 < names.size()) {
                    ex.getResponseHeaders().add("Link", "<" + ex.getRequestURI().getPath() + "?recursive=true&cursor=" + (cursor + 1) + ">; rel=\"next\"");
                }
                send(ex, 200, list.toString());
                return;
            }
            // /ORG/NAME/resolve/REV/FILE
            String[] r = path.substring(1).split("/", 5);
            if (r.length < 5 || !r[2].equals("resolve")) {
                send(ex, 404, "{}");
                return;
            }
            String file = java.net.URLDecoder.decode(r[4], StandardCharsets.UTF_8);
            byte[] bytes = repo.files.get(file);
            if (bytes == null) {
                ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                send(ex, 404, "{\"error\":\"Entry not found\"}");
                return;
            }
            ex.getResponseHeaders().add("X-Repo-Commit", repo.commit);
            if (isLfs(file)) {
                String sha = sha256(bytes);
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", Long.toString(bytes.length));
                ex.getResponseHeaders().add("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + repoName.replace('/', '_') + "/" + sha + "?sig=x");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            ex.getResponseHeaders().add("ETag", "\"" + gitSha1(bytes) + "\"");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(bytes.length));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        }
    }

    private void cdn(HttpExchange ex, String key) throws IOException {
        String[] k = key.split("/", 2);
        Repo repo = repos.get(k[0].replaceFirst("_", "/"));
        byte[] bytes = repo == null ? null : repo.files.values().stream().filter(b -> sha256(b).equals(k[1])).findFirst().orElse(null);
        if (bytes == null) {
            send(ex, 404, "no such blob");
            return;
        }
        if (corrupt) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 1;
        }
        cdnAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        String range = ex.getRequestHeaders().getFirst("Range");
        long from = 0;
        if (range != null) {
            cdnRanges.add(range);
            from = Long.parseLong(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            if (from >= bytes.length) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        cdnBodies.incrementAndGet();
        boolean drop = dropAfter >= 0 && drops.getAndDecrement() > 0;
        if (drop) {
            ex.sendResponseHeaders(range != null ? 206 : 200, 0); // chunked: ending without the last chunk is a dropped connection
            OutputStream out = ex.getResponseBody();
            out.write(bytes, (int) from, (int) Math.min(dropAfter, bytes.length - from));
            out.flush();
            throw new IOException("fake hub: connection dropped on purpose");
        }
        ex.sendResponseHeaders(range != null ? 206 : 200, bytes.length - from);
        OutputStream out = ex.getResponseBody();
        for (long i = from; i < bytes.length; i += 16384) {
            out.write(bytes, (int) i, (int) Math.min(16384, bytes.length - i));
            if (slowMs > 0) {
                try {
                    Thread.sleep(slowMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitSha1(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) server.stop(0);
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
}
