package org.kemari.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of a pairing config, read from the composed node tree rather than plain
 * Java maps so every value keeps its line and column for error messages. Unknown and
 * duplicate keys are refused when the section is opened, before any value is looked at.
 */
final class YamlSection {
    /** Scalars may only be plain data; an explicit tag such as !!javax.script... is refused, not resolved. */
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.FLOAT, Tag.NULL);

    private final String source;
    private final String path;
    private final Mark mark;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Map<String, Mark> marks;

    private YamlSection(String source, String path, Mark mark, Map<String, Mark> marks) {
        this.source = source;
        this.path = path;
        this.mark = mark;
        this.marks = marks;
    }

    static YamlSection root(String source, Node node, Set<String> known, Map<String, Mark> marks) {
        return open(source, "", node, known, marks);
    }

    private static YamlSection open(String source, String path, Node node, Set<String> known, Map<String, Mark> marks) {
        YamlSection s = new YamlSection(source, path, node.getStartMark(), marks);
        if (!(node instanceof MappingNode mapping)) {
            throw s.error(node.getStartMark(), (path.isEmpty() ? "config" : path)
                    + ": expected a mapping of keys (" + String.join(", ", known) + "), got " + describe(node));
        }
        for (NodeTuple t : mapping.getValue()) {
            String key = s.scalarText(t.getKeyNode(), "a key");
            String full = s.qualify(key);
            if (!known.contains(key)) {
                throw s.error(t.getKeyNode().getStartMark(), "unknown key '" + full + "'" + DidYouMean.hint(key, known)
                        + "; expected one of: " + String.join(", ", known));
            }
            if (s.entries.containsKey(key)) {
                Mark first = s.entries.get(key).getKeyNode().getStartMark();
                throw s.error(t.getKeyNode().getStartMark(), "duplicate key '" + full + "' (first set at line "
                        + (first.getLine() + 1) + ")");
            }
            s.entries.put(key, t);
            marks.put(full, t.getValueNode().getStartMark());
        }
        return s;
    }

    /** The named sub-mapping, or an empty one (all defaults) when the key is absent. */
    YamlSection section(String key, Set<String> known) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return new YamlSection(source, qualify(key), mark, marks);
        }
        return open(source, qualify(key), t.getValueNode(), known, marks);
    }

    /** Where this section starts: the place to report a key that is missing from it. */
    Mark mark() {
        return mark;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Optional<String> string(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? Optional.empty() : Optional.of(scalarText(t.getValueNode(), qualify(key)));
    }

    /** The value parsed by {@code parse}; its IllegalArgumentException becomes a located config error. */
    <T> Optional<T> value(String key, Function<String, T> parse) {
        return string(key).map(text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw error(entries.get(key).getValueNode().getStartMark(), qualify(key) + ": " + e.getMessage());
            }
        });
    }

    Optional<Integer> integer(String key) {
        return typed(key, Tag.INT, "an integer", Integer::parseInt);
    }

    Optional<Boolean> bool(String key) {
        return typed(key, Tag.BOOL, "true or false", Boolean::parseBoolean);
    }

    private <T> Optional<T> typed(String key, Tag tag, String expected, Function<String, T> parse) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        Node n = t.getValueNode();
        if (!(n instanceof ScalarNode s) || !tag.equals(n.getTag())) {
            throw error(n.getStartMark(), qualify(key) + ": expected " + expected + ", got " + describe(n));
        }
        try {
            return Optional.of(parse.apply(s.getValue()));
        } catch (NumberFormatException e) {
            throw error(n.getStartMark(), qualify(key) + ": expected " + expected + ", got '" + s.getValue() + "'");
        }
    }

    /** A list of scalars; a single scalar is taken as a one-element list, as people write "tap: block". */
    Optional<List<String>> list(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        Node n = t.getValueNode();
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                out.add(scalarText(item, qualify(key) + " item"));
            }
        } else {
            out.add(scalarText(n, qualify(key)));
        }
        return Optional.of(out);
    }

    /** Parses each list item, reporting a bad one at its own position. */
    <T> Optional<List<T>> listOf(String key, Function<String, T> parse) {
        return list(key).map(items -> {
            List<T> out = new ArrayList<>();
            Node n = entries.get(key).getValueNode();
            for (int i = 0; i < items.size(); i++) {
                Mark at = n instanceof SequenceNode seq ? seq.getValue().get(i).getStartMark() : n.getStartMark();
                try {
                    out.add(parse.apply(items.get(i)));
                } catch (IllegalArgumentException e) {
                    throw error(at, qualify(key) + ": " + e.getMessage());
                }
            }
            return out;
        });
    }

    <T> T required(Optional<T> value, String key, String expected) {
        return value.orElseThrow(() -> error(mark, "missing required key '" + qualify(key) + "' (" + expected + ")"));
    }

    ConfigException error(Mark at, String problem) {
        return new ConfigException(source, at.getLine() + 1, at.getColumn() + 1, problem);
    }

    private String scalarText(Node n, String what) {
        if (!PLAIN_TAGS.contains(n.getTag()) && !(n instanceof MappingNode) && !(n instanceof SequenceNode)) {
            throw error(n.getStartMark(), what + ": YAML tag " + n.getTag().getValue() + " is not allowed");
        }
        if (!(n instanceof ScalarNode s) || Tag.NULL.equals(n.getTag())) {
            throw error(n.getStartMark(), what + ": expected a value, got " + describe(n));
        }
        return s.getValue();
    }

    private String qualify(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (Tag.NULL.equals(n.getTag())) {
            return "nothing";
        }
        return "'" + ((ScalarNode) n).getValue() + "'";
    }
}
