package io.github.lfm4j.runner.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where and how to reach the Hub, read as {@code huggingface_hub} reads it: {@code HF_ENDPOINT} (default
 * https://huggingface.co), the token from {@code --hf-token}, {@code HF_TOKEN} or the file {@code $HF_HOME/token}
 * that {@code huggingface-cli login} writes, the cache {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code ~/.cache/huggingface/hub}, and offline mode from {@code --offline} or {@code HF_HUB_OFFLINE=1}.
 *
 * @param token null for anonymous access
 */
public record HubSettings(URI endpoint, String token, Path cacheDir, boolean offline) {

    public static HubSettings fromEnvironment(String tokenOption, boolean offlineOption) {
        return from(System::getenv, tokenOption, offlineOption);
    }

    /** The settings with environment variables read through {@code getenv}. */
    public static HubSettings from(Function<String, String> getenv, String tokenOption, boolean offlineOption) {
        Map<String, String> env = new java.util.HashMap<>();
        for (String k : new String[]{"HF_ENDPOINT", "HF_HOME", "XDG_CACHE_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE"}) {
            String v = getenv.apply(k);
            if (v != null && !v.isEmpty()) env.put(k, v);
        }
        String ep = env.getOrDefault("HF_ENDPOINT", "https://huggingface.co");
        while (ep.endsWith("/")) ep = ep.substring(0, ep.length() - 1);
        URI endpoint;
        try {
            endpoint = URI.create(ep);
            if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + ep + "' is not an http(s) URL");
        }
        Path home = env.get("HF_HOME") != null ? Path.of(env.get("HF_HOME"))
                : env.get("XDG_CACHE_HOME") != null ? Path.of(env.get("XDG_CACHE_HOME"), "huggingface")
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        Path cache = env.get("HF_HUB_CACHE") != null ? Path.of(env.get("HF_HUB_CACHE")) : home.resolve("hub");
        String token = tokenOption;
        if (token == null || token.isBlank()) token = env.get("HF_TOKEN");
        if (token == null || token.isBlank()) {
            Path file = env.get("HF_TOKEN_PATH") != null ? Path.of(env.get("HF_TOKEN_PATH")) : home.resolve("token");
            try {
                if (Files.isRegularFile(file)) token = Files.readString(file).strip();
            } catch (IOException ignored) {
                token = null; // an unreadable token file means anonymous access, as huggingface_hub does
            }
        }
        if (token != null && token.isBlank()) token = null;
        boolean offline = offlineOption || truthy(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(endpoint, token, cache, offline);
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on"));
    }

    /** Never shows the token itself. */
    @Override
    public String toString() {
        return "HubSettings[" + endpoint + ", token " + (token == null ? "none" : "set") + ", cache " + cacheDir + (offline ? ", offline" : "") + "]";
    }
}
