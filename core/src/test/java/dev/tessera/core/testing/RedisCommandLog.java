package dev.tessera.core.testing;

import dev.tessera.core.store.RedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The commands the test Redis (single node) receives while it is open, as {@code MONITOR} shows them: for
 * tests that must say how a store talks to Redis, such as that no script call carries more than a bounded
 * part of a long history (a script holds Redis for as long as it runs).
 */
public final class RedisCommandLog implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    /** How far {@link #clientCommands} looked for its marker already. */
    private int scanned;

    private RedisCommandLog(Socket socket, BufferedReader in) {
        this.socket = socket;
        this.in = in;
        this.reader = new Thread(this::read, "redis-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts logging; only on the single test node (a cluster has one log per node). */
    public static RedisCommandLog start() {
        if (RedisTestCluster.enabled()) {
            throw new IllegalStateException("the command log watches the single test node");
        }
        URI uri = URI.create(RedisTestServer.url());
        if (!"redis".equals(uri.getScheme())) {
            throw new IllegalStateException("the command log speaks plain redis://, not " + uri.getScheme());
        }
        Socket socket = null;
        try {
            socket = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String user = uri.getUserInfo();
            if (user != null && !user.isEmpty()) {
                int colon = user.indexOf(':');
                out.write(command(colon < 0 ? List.of("AUTH", user)
                        : colon == 0 ? List.of("AUTH", user.substring(1))
                        : List.of("AUTH", user.substring(0, colon), user.substring(colon + 1))));
                expectOk(in, "AUTH");
            }
            out.write(command(List.of("MONITOR")));
            out.flush();
            expectOk(in, "MONITOR"); // logging from here on
            socket.setSoTimeout(0);
            return new RedisCommandLog(socket, in);
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static byte[] command(List<String> words) {
        StringBuilder resp = new StringBuilder("*").append(words.size()).append("\r\n");
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            resp.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
        }
        return resp.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void expectOk(BufferedReader in, String what) throws IOException {
        String answer = in.readLine();
        if (!"+OK".equals(answer)) {
            throw new IllegalStateException(what + " was answered " + answer);
        }
    }

    private void read() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /**
     * The commands sent by clients (not those scripts make) up to now, each as its words: waits until the
     * log has caught up with a marker sent through {@code connection}.
     */
    public List<List<String>> clientCommands(RedisConnection connection) {
        String marker = "log-mark-" + UUID.randomUUID();
        connection.commands().echo(marker);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen;
        synchronized (lines) {
            while (!seenSince(marker)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the command log did not catch up");
                }
                try {
                    lines.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            seen = List.copyOf(lines);
        }
        List<List<String>> commands = new ArrayList<>();
        for (String line : seen) {
            // +1700000000.123456 [0 127.0.0.1:5555] "CMD" ... ; [0 lua] for calls scripts make; [0 [::1]:5555]
            int open = line.indexOf(" [");
            int close = open < 0 ? -1 : line.indexOf("] \"", open);
            if (!line.startsWith("+") || close < 0 || line.substring(open, close).endsWith(" lua")
                    || line.contains(marker)) {
                continue; // calls made by scripts, the marker, anything else
            }
            commands.add(words(line.substring(close + 1)));
        }
        return commands;
    }

    /** Whether a line from {@link #scanned} on holds {@code marker}; called holding the lines' lock. */
    private boolean seenSince(String marker) {
        for (; scanned < lines.size(); scanned++) {
            if (lines.get(scanned).contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /** The most words of any script call ({@code EVAL}, {@code EVALSHA}) among {@link #clientCommands}. */
    public int largestScriptCall(RedisConnection connection) {
        int largest = 0;
        for (List<String> command : clientCommands(connection)) {
            String name = command.isEmpty() ? "" : command.get(0).toUpperCase(java.util.Locale.ROOT);
            if (name.equals("EVALSHA") || name.equals("EVAL")) {
                largest = Math.max(largest, command.size());
            }
        }
        return largest;
    }

    /**
     * The most distinct words matching {@code pattern} in any script call among {@link #clientCommands}: how
     * many things of one sort (interaction keys, say) a single call handled at most.
     */
    public int mostInOneScriptCall(RedisConnection connection, java.util.regex.Pattern pattern) {
        int most = 0;
        for (List<String> command : clientCommands(connection)) {
            String name = command.isEmpty() ? "" : command.get(0).toUpperCase(java.util.Locale.ROOT);
            if (name.equals("EVALSHA") || name.equals("EVAL")) {
                most = Math.max(most, (int) command.stream().filter(w -> pattern.matcher(w).matches()).distinct().count());
            }
        }
        return most;
    }

    /** The quoted words of a MONITOR line, escapes left as they are (only their number matters here). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '"') {
                i++;
                continue;
            }
            StringBuilder word = new StringBuilder();
            i++;
            while (i < text.length() && text.charAt(i) != '"') {
                if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                    word.append(text.charAt(i));
                    i++;
                }
                word.append(text.charAt(i));
                i++;
            }
            words.add(word.toString());
            i++;
        }
        return words;
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
