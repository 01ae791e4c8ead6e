package io.changegraph.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.io.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The users of {@code changegraph serve --users-file FILE}: each a name, the SHA-256 of their token, a role
 * and (for role {@code user}) the uid whose sessions they see. The file is YAML, or JSON when its name ends
 * in {@code .json}:
 *
 * <pre>
 * users:
 *   - {name: alice, token_sha256: 9f86d0...0a08, role: user, uid: 1001}
 *   - {name: audit, token_sha256: 60303a...8f1d, role: auditor}
 * </pre>
 *
 * Tokens are never stored, only their hashes ({@code printf %s TOKEN | sha256sum}).
 */
public final class WebUsers {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final List<Entry> entries;

    private WebUsers(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads and checks a users file.
     *
     * @throws WebStartException one line naming the file, the place (line, entry) and what is wrong: unknown
     *                           key, missing field, unknown role, a hash that is not 64 hex digits, a duplicate
     */
    public static WebUsers read(Path file) {
        boolean json = file.getFileName() != null && file.getFileName().toString().endsWith(".json");
        ObjectMapper mapper = (json ? JsonMappers.SORTED : YamlReader.mapper()).copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        UsersFile parsed;
        try {
            String text = YamlReader.readFile(file, "users file");
            if (!json) {
                YamlReader.checkLines(text, "users file " + file);
            }
            parsed = mapper.readValue(text, UsersFile.class);
        } catch (BadInputException e) {
            throw new WebStartException(e.getMessage());
        } catch (JsonProcessingException e) {
            String limit = JsonMappers.limitMessage(e);
            if (limit != null) {
                throw new WebStartException("bad users file " + file + ": " + limit);
            }
            throw new WebStartException("bad users file " + file + ": " + located(e));
        } catch (IOException e) {
            throw new WebStartException("cannot read users file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new WebStartException(YamlReader.unreadable(e, "users file " + file).getMessage());
        }
        if (parsed == null || parsed.users().isEmpty()) {
            throw new WebStartException("bad users file " + file + ": no users: list them under 'users:'");
        }
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < parsed.users().size(); i++) {
            Entry entry = parsed.users().get(i);
            if (!names.add(entry.name())) {
                throw new WebStartException("bad users file " + file + ": users[" + i + "]: name '" + entry.name()
                        + "' is listed twice: give each user one entry");
            }
            if (!hashes.add(entry.tokenSha256())) {
                throw new WebStartException("bad users file " + file + ": users[" + i + "] (" + entry.name()
                        + "): token_sha256 is another user's too: give each user their own token");
            }
        }
        return new WebUsers(parsed.users());
    }

    /** The SHA-256 of a token in lower-case hex, as {@code printf %s TOKEN | sha256sum} prints it. */
    static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The user holding {@code token}; every entry is compared, each in constant time. */
    Optional<WebUser> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
        WebUser found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(hash, entry.tokenSha256().getBytes(StandardCharsets.US_ASCII))) {
                found = entry.user();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Names of the users, in file order (for tests and the start message). */
    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** Jackson's error as "line L, users[i].key: what is wrong", without Jackson's own wording where it is unclear. */
    private static String located(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 1 ? "" : "line " + location.getLineNr() + ", ";
        String path = e instanceof JsonMappingException mapping ? path(mapping) : "";
        String what;
        if (e instanceof UnrecognizedPropertyException unknown) {
            path = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            what = "unknown key '" + unknown.getPropertyName() + "' (known: "
                    + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            what = instantiation.getCause().getMessage();
        } else if (e instanceof InvalidFormatException format) {
            what = "'" + format.getValue() + "' is not "
                    + (Number.class.isAssignableFrom(format.getTargetType()) ? "a whole number" : "valid here");
        } else if (e instanceof MismatchedInputException mismatched
                && String.valueOf(mismatched.getOriginalMessage()).startsWith("Missing required creator property")) {
            what = "missing field";
        } else if (String.valueOf(e.getOriginalMessage()).startsWith("No content to map")) {
            what = "the file is empty: list the users under 'users:'";
        } else if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            what = expected(mismatched.getTargetType());
        } else {
            what = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("unreadable");
        }
        return where + (path.isEmpty() ? "" : path + ": ") + what;
    }

    /** What should have been where Jackson found something of another shape, in the file's own terms. */
    private static String expected(Class<?> type) {
        if (type == Entry.class) {
            return "not a user: give a mapping {name: ..., token_sha256: ..., role: ..., uid: ...}";
        }
        if (List.class.isAssignableFrom(type)) {
            return "not a list: give the users as a list, one '- {name: ...}' each";
        }
        if (type == UsersFile.class) {
            return "not a users file: give 'users:' with a list of users";
        }
        return "not a " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The file as written. */
    record UsersFile(@JsonProperty(value = "users", required = true) List<Entry> users) {
        UsersFile {
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    /** One user as written; the compact constructor says what is wrong in one line. */
    record Entry(@JsonProperty(value = "name", required = true) String name,
                 @JsonProperty(value = "token_sha256", required = true) String tokenSha256,
                 @JsonProperty(value = "role", required = true) String role,
                 @JsonProperty("uid") Integer uid) {
        Entry {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("empty name: give each user a name");
            }
            if (tokenSha256 == null || role == null) {
                throw new IllegalArgumentException("user '" + name + "': empty " + (role == null ? "role" : "token_sha256"));
            }
            tokenSha256 = tokenSha256.strip().toLowerCase(Locale.ROOT);
            if (!HEX_SHA256.matcher(tokenSha256).matches()) {
                throw new IllegalArgumentException("user '" + name + "': token_sha256 is not 64 hex digits:"
                        + " give the output of printf %s TOKEN | sha256sum");
            }
            if (!List.of("admin", "auditor", "user").contains(role)) {
                throw new IllegalArgumentException("user '" + name + "': unknown role '" + role
                        + "': give admin, auditor or user");
            }
            if (role.equals("user") && uid == null) {
                throw new IllegalArgumentException("user '" + name + "': role user needs uid (whose sessions they see)");
            }
            if (uid != null && uid < 0) {
                throw new IllegalArgumentException("user '" + name + "': uid " + uid + " is negative");
            }
        }

        WebUser user() {
            return new WebUser(name, WebUser.Role.valueOf(role.toUpperCase(Locale.ROOT)), uid);
        }
    }
}
