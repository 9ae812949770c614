package org.kemari.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checker's judgement of a finished run from its journal: the output story (gaps,
 * divergences), malformed packets, and, given the disk that survived, every acknowledged write
 * missing from it.
 */
public record Verdict(long acknowledged, long repeated, long blocksAudited, List<String> problems) {

    public Verdict {
        problems = List.copyOf(problems);
    }

    /** @param disk the image to audit, or null when the run has no disk to judge */
    public static Verdict of(AckJournal.Contents journal, Path disk) throws IOException {
        OutputLedger ledger = new OutputLedger();
        journal.acks().forEach(ledger::record);
        List<String> problems = new ArrayList<>(ledger.violations());
        problems.addAll(journal.malformed());
        long audited = 0;
        if (disk != null) {
            problems.addAll(DiskAudit.audit(disk, ledger.lastAckPerBlock()));
            audited = ledger.lastAckPerBlock().size();
        }
        return new Verdict(ledger.acknowledged(), ledger.duplicates(), audited, problems);
    }

    public boolean passed() {
        return problems.isEmpty();
    }
}
