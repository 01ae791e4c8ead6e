package io.changegraph.impact;

import io.changegraph.repository.model.SummaryBehaviour;
import java.util.List;
import java.util.Set;

/**
 * What the recognisers found.
 *
 * @param behaviours      the ops behaviours, with their evidence
 * @param foldedProcesses process node ids whose own edges and file effects are told by a behaviour instead
 *                        (e.g. dpkg, its maintainer scripts and triggers under {@code package.install}); the
 *                        summary leaves their file effects out and counts their edges as {@code package_subtree}
 */
record OpsFindings(List<SummaryBehaviour> behaviours, Set<String> foldedProcesses) {
    public static final OpsFindings NONE = new OpsFindings(List.of(), Set.of());

    public OpsFindings {
        behaviours = List.copyOf(behaviours);
        foldedProcesses = Set.copyOf(foldedProcesses);
    }
}
