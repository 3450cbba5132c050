package io.github.lfm4j.runner.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the Hub's HTTP API a download needs, on the JDK's {@link HttpClient}: the file listing
 * ({@code /api/models/ORG/NAME/tree/REV}), a file's metadata ({@code HEAD /ORG/NAME/resolve/REV/PATH}: commit,
 * etag = sha256 for LFS files, size) and its bytes (a {@code GET} on the same URL, following the redirect to the
 * CDN, resuming with {@code Range}). Redirects are followed here rather than by the client so that the token goes
 * only to the endpoint's own host, never to a CDN. Every failure is one {@link HubException} line.
 */
final class HubClient {
    /** A repository file as listed. */
    record RepoFile(String path, long size) {}

    /** A file's metadata from the resolve endpoint. */
    record FileMeta(String path, String commit, String etag, long size) {}

    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    private URI url(String path) {
        return URI.create(settings.endpoint() + path);
    }

    static String encodePath(String p) {
        StringBuilder b = new StringBuilder();
        for (String part : p.split("/", -1)) {
            if (!b.isEmpty()) b.append('/');
            b.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    /** A revision is one path segment: its slashes (refs/pr/1) are escaped, as huggingface_hub does. */
    static String encodeRevision(String rev) {
        return URLEncoder.encode(rev, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private URI resolveUrl(RepoRef ref, String path) {
        return url("/" + ref.repo() + "/resolve/" + encodeRevision(ref.revision()) + "/" + encodePath(path));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).header("User-Agent", "lfm4j");
        if (settings.token() != null && sameOrigin(uri, settings.endpoint())) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    /** Every file of the revision (recursive listing, following the pages the Hub links with {@code rel="next"}). */
    List<RepoFile> listFiles(RepoRef ref) {
        URI uri = url("/api/models/" + ref.repo() + "/tree/" + encodeRevision(ref.revision()) + "?recursive=true");
        List<RepoFile> out = new ArrayList<>();
        for (int page = 0; uri != null; page++) {
            if (page > 1000) throw new HubException(ref.repo() + ": the file listing does not end");
            HttpResponse<String> r = send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString(), ref);
            check(r, ref, null);
            JsonNode list;
            try {
                list = new ObjectMapper().readTree(r.body());
            } catch (IOException e) {
                throw new HubException(uri + ": the file listing is not JSON");
            }
            if (list == null || !list.isArray()) throw new HubException(uri + ": the file listing is not a JSON array");
            for (JsonNode f : list) {
                if (!f.path("type").asText("file").equals("file")) continue;
                String path = f.path("path").asText(null);
                if (path == null) continue;
                long size = f.path("lfs").path("size").asLong(f.path("size").asLong(-1));
                out.add(new RepoFile(path, size));
            }
            uri = nextPage(r, uri);
        }
        return out;
    }

    /** The {@code Link: <URL>; rel="next"} of a paginated answer, or null. */
    static URI nextPage(HttpResponse<?> r, URI current) {
        for (String link : r.headers().allValues("Link")) {
            for (String part : link.split(",")) {
                int lt = part.indexOf('<'), gt = part.indexOf('>');
                if (lt >= 0 && gt > lt && part.substring(gt).replace(" ", "").contains("rel=\"next\"")) {
                    return current.resolve(part.substring(lt + 1, gt).strip());
                }
            }
        }
        return null;
    }

    /** The commit, etag and size of one file (HEAD, the redirect not followed: the Hub's own headers carry them). */
    FileMeta head(RepoRef ref, String path) {
        // Relative redirects (a renamed repository) are the Hub's own and followed; an absolute one goes to the CDN,
        // and the Hub's headers on it are what is needed, as huggingface_hub does.
        URI uri = resolveUrl(ref, path);
        HttpResponse<Void> r;
        for (int hop = 0; ; hop++) {
            r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "identity").build(),
                    HttpResponse.BodyHandlers.discarding(), ref);
            Optional<String> loc = header(r, "Location");
            if (r.statusCode() / 100 != 3 || loc.isEmpty() || URI.create(loc.get()).getHost() != null || hop >= MAX_REDIRECTS) break;
            uri = uri.resolve(loc.get());
        }
        if (r.statusCode() / 100 != 3) check(r, ref, path);
        HttpResponse<Void> h = r;
        String commit = header(h, "X-Repo-Commit").orElse(null);
        String etag = header(h, "X-Linked-Etag").or(() -> header(h, "ETag")).map(HubClient::cleanEtag).orElse(null);
        long size = header(h, "X-Linked-Size").or(() -> h.statusCode() == 200 ? header(h, "Content-Length") : Optional.empty())
                .map(Long::parseLong).orElse(-1L);
        if (commit == null || !commit.matches("[0-9a-f]{40}")) throw new HubException(ref.repo() + "/" + path + ": the Hub sent no commit id (X-Repo-Commit)");
        if (etag == null || !etag.matches("[0-9a-f]{40}|[0-9a-f]{64}")) throw new HubException(ref.repo() + "/" + path + ": the Hub sent no usable ETag");
        return new FileMeta(path, commit, etag, size);
    }

    static String cleanEtag(String e) {
        String s = e.strip();
        if (s.startsWith("W/")) s = s.substring(2);
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
        return s;
    }

    /**
     * Appends the file's bytes after those {@code part} already holds (a {@code Range} request; a server that
     * ignores it starts the file over). Returns normally when the body ended; an {@link IOException} (a dropped
     * connection) leaves what arrived in {@code part} for the next attempt.
     */
    void fetchInto(RepoRef ref, FileMeta meta, Path part, DownloadProgress progress) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            Files.delete(part);
            have = 0;
        }
        URI uri = resolveUrl(ref, meta.path());
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = request(uri).GET().header("Accept-Encoding", "identity");
            if (have > 0) b.header("Range", "bytes=" + have + "-");
            HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream(), ref);
            int status = r.statusCode();
            if (status / 100 == 3) {
                r.body().close();
                URI from = uri;
                String loc = header(r, "Location").orElseThrow(() -> new HubException(from + ": redirect without a Location"));
                if (hop >= MAX_REDIRECTS) throw new HubException(uri + ": more than " + MAX_REDIRECTS + " redirects");
                uri = uri.resolve(loc);
                continue;
            }
            if (status == 416 && have > 0) { // the range starts at the end: a complete file, verified by the caller
                r.body().close();
                return;
            }
            if (status != 200 && status != 206) {
                r.body().close();
                check(r, ref, meta.path());
            }
            boolean append = status == 206 && have > 0;
            if (!append) have = 0;
            progress.start(have);
            try (InputStream in = r.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    have += n;
                    progress.advance(have);
                }
            }
            return;
        }
    }

    private static Optional<String> header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name);
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, RepoRef ref) {
        try {
            return http.send(req, handler);
        } catch (ConnectException e) {
            throw new HubException("cannot connect to " + settings.endpoint() + " (offline? --offline or HF_HUB_OFFLINE=1 uses the cache only)", true);
        } catch (HttpTimeoutException e) {
            throw new HubException(req.uri().getHost() + ": timed out", true);
        } catch (IOException e) {
            throw new HubException(ref.repo() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted");
        }
    }

    /** Turns an error status into one line; 2xx passes. */
    private void check(HttpResponse<?> r, RepoRef ref, String path) {
        int s = r.statusCode();
        if (s / 100 == 2) return;
        String what = path == null ? ref.repo() : ref.repo() + "/" + path;
        String errorCode = header(r, "X-Error-Code").orElse("");
        if (s == 401 || s == 403) {
            throw new HubException(what + ": HTTP " + s + (settings.token() == null
                    ? ", a gated or private repository needs a token (HF_TOKEN or --hf-token)"
                    : ", the token has no access (accept the model's terms on its page, or check the token)"));
        }
        if (s == 404) {
            String kind = errorCode.equals("RevisionNotFound") ? "no revision '" + ref.revision() + "'"
                    : errorCode.equals("EntryNotFound") || path != null && !errorCode.equals("RepoNotFound") ? "no such file"
                    : "no such repository";
            throw new HubException(what + ": HTTP 404, " + kind + " on " + settings.endpoint());
        }
        throw new HubException(what + ": HTTP " + s + " from " + r.uri().getHost());
    }
}
