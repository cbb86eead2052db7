package dev.tessera.security;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code ./tessera token ROLE}: prints a bearer token of the demo's dev login for one of the realm's
 * roles, so the demo's APIs can be tried with curl. It signs with the demo's existing dev key only (it
 * never creates one: a token for a key no service trusts would only confuse), for one hour.
 */
public final class DevTokenCommand {

    private static final Set<String> ROLES = Set.of(Roles.AGENT, Roles.MARKETER, Roles.INTEGRATOR, Roles.ADMIN);

    private DevTokenCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Exit code 0 with the token on {@code out}, 2 with a message on {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: DevTokenCommand KEY_FILE ROLE   (ROLE: one of " + String.join(", ", sorted()) + ")");
            return 2;
        }
        Path keyFile = Path.of(args[0]);
        String role = args[1];
        if (!ROLES.contains(role)) {
            err.println("unknown role '" + role + "': one of " + String.join(", ", sorted()));
            return 2;
        }
        if (!Files.isRegularFile(keyFile)) {
            err.println("no dev signing key at " + keyFile + ": start the demo first (./tessera demo)");
            return 2;
        }
        String subject = "demo-" + role.substring(role.indexOf('-') + 1);
        out.println(DevSigningKey.loadOrCreate(keyFile).mint(subject, List.of(role), "tessera-api", Duration.ofHours(1)));
        return 0;
    }

    private static List<String> sorted() {
        return ROLES.stream().sorted().toList();
    }
}
