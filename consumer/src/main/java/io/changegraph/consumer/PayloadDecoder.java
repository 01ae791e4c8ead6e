package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.HttpRequest;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.RemoteNode;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code cg_payload}: the first bytes of a followed connection's first send become its HTTP request or TLS
 * server name (evidence on the connect edge; Host and SNI also name the remote node); the bytes received on a
 * socket connected to port 53 are DNS answers, whose addresses are named after the asked name
 * ({@link NetNames}) for the connects that follow. The payload itself is never kept.
 */
final class PayloadDecoder implements RecordDecoder {
    private final ProcessTable processes;
    private final EventEmitter events;
    private final NetNames names;

    PayloadDecoder(ProcessTable processes, EventEmitter events, NetNames names) {
        this.processes = processes;
        this.events = events;
        this.names = names;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_PAYLOAD;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        int direction = record.u16(WireLayouts.PAYLOAD_DIRECTION_AT);
        int length = record.u16(WireLayouts.PAYLOAD_LEN_AT);
        byte[] data = new RecordData(record, WireLayouts.CG_PAYLOAD.byteSize()).take(length, "payload");
        switch (direction) {
            case WireLayouts.PAYLOAD_DNS -> DnsAnswers.parse(data).forEach(names::learn);
            case WireLayouts.PAYLOAD_FIRST_SEND -> firstSend(record, header, data);
            default -> throw new DroppedRecordException("unknown payload direction", "payload record with direction "
                    + direction);
        }
    }

    private void firstSend(RecordView record, RecordHeader header, byte[] data) {
        Optional<HttpRequest> http = FirstBytes.http(data);
        Optional<String> sni = http.isPresent() ? Optional.empty() : FirstBytes.tlsServerName(data);
        if (http.isEmpty() && sni.isEmpty()) {
            return;
        }
        int family = record.u16(WireLayouts.PAYLOAD_FAMILY_AT);
        RemoteNode remote = SockAddrs.inet(family, record.copy(WireLayouts.PAYLOAD_DADDR_AT, 16),
                record.u16(WireLayouts.PAYLOAD_DPORT_AT)).orElseThrow(() -> new DroppedRecordException(
                "bad payload family", "payload record of address family " + family));
        List<String> known = new ArrayList<>(names.of(remote.address()));
        http.map(HttpRequest::host).map(PayloadDecoder::hostName).filter(h -> !h.equals(remote.address()))
                .ifPresent(known::add);
        sni.ifPresent(known::add);
        events.emit(Event.evidence(events.time(header.tsNs()), processes.get(header.tgid(), 0).node(), remote, false,
                new NetEvidence(null, http.orElse(null), sni.orElse(null), known)));
    }

    /** A Host header without its port ({@code [::1]:8080} → {@code ::1}), lowercase. */
    static String hostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 ? h.substring(1, close) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
    }
}
