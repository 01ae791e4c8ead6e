package io.changegraph.consumer;

import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Map;

/**
 * Kernel modules: init_module (an image from memory, whose name the probe does not read:
 * {@code <from memory>}), finit_module (named after the .ko file its fd refers to), delete_module
 * (str1 is the name). For the two loads str1 is the {@code param_values} string: the detail, when not
 * empty ({@code params debug=1}).
 */
final class ModuleOps implements SyscallHandler.Group {
    static final String FROM_MEMORY = "<from memory>";
    private static final List<String> SUFFIXES = List.of(".ko.xz", ".ko.zst", ".ko.gz", ".ko");

    private final EventEmitter events;

    ModuleOps(EventEmitter events) {
        this.events = events;
    }

    @Override
    public void register(Map<Op, SyscallHandler> handlers) {
        handlers.put(Op.INIT_MODULE, (p, c) -> event(p, c, Verb.LOAD_MODULE, new ModuleNode(FROM_MEMORY, ""),
                params(c)));
        handlers.put(Op.FINIT_MODULE, (p, c) -> event(p, c, Verb.LOAD_MODULE, fromFile(p.fds().path(c.intArg(0))),
                params(c)));
        handlers.put(Op.DELETE_MODULE, (p, c) -> event(p, c, Verb.UNLOAD_MODULE,
                new ModuleNode(c.str1() != null ? c.str1() : "<unresolved name>", ""), null));
    }

    private void event(TrackedProcess process, SyscallRecord call, Verb verb, ModuleNode module, String detail) {
        events.once(call.time(), process.node(), verb, module, call.failed(), detail);
    }

    private static String params(SyscallRecord call) {
        return call.str1() == null || call.str1().isBlank() ? null : "params " + call.str1();
    }

    /**
     * {@code /lib/modules/../nf-nat.ko.xz} is module {@code nf_nat} (the kernel spells module names with
     * underscores, as delete_module then names it); an unresolved fd names itself.
     */
    static ModuleNode fromFile(ResolvedPath file) {
        if (!file.resolved()) {
            return new ModuleNode(file.path(), "");
        }
        String name = file.path().substring(file.path().lastIndexOf('/') + 1);
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        return new ModuleNode(name.replace('-', '_'), file.path());
    }
}
