package io.changegraph.hub;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * How to keep whole graphs in PostgreSQL: jsonb, or gzip-compressed JSON in bytea. Stores one real graph
 * (default /work/fixtures/deploy-canary.json, a recorded examples/deploy.sh) ROUNDS times each way on a
 * private PostgreSQL 15 and prints medians of write and read time and the bytes on disk.
 * Run: bench/java-bench.sh hub io.changegraph.hub.GraphStorageBenchmark [GRAPH.json] [ROUNDS]
 */
public final class GraphStorageBenchmark {
    private GraphStorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path graph = Path.of(args.length > 0 ? args[0] : "/work/fixtures/deploy-canary.json");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] json = Files.readAllBytes(graph);
        String text = Json.MAPPER.readTree(json).toString();   // compact, as the hub would store it
        try (PostgresCluster pg = PostgresCluster.start();
             Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/changegraph",
                     "cg", pg.password())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE g_jsonb (id int PRIMARY KEY, graph jsonb NOT NULL)");
                s.execute("CREATE TABLE g_bytea (id int PRIMARY KEY, graph bytea NOT NULL)");
            }
            List<Long> jsonbWrite = new ArrayList<>();
            List<Long> byteaWrite = new ArrayList<>();
            List<Long> jsonbRead = new ArrayList<>();
            List<Long> byteaRead = new ArrayList<>();
            List<Long> jsonbQuery = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long t = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO g_jsonb VALUES (?, ?::jsonb)")) {
                    ps.setInt(1, i);
                    ps.setString(2, text);
                    ps.executeUpdate();
                }
                jsonbWrite.add(System.nanoTime() - t);
                t = System.nanoTime();
                byte[] gz = IngestBatch.gzip(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO g_bytea VALUES (?, ?)")) {
                    ps.setInt(1, i);
                    ps.setBytes(2, gz);
                    ps.executeUpdate();
                }
                byteaWrite.add(System.nanoTime() - t);
                t = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("SELECT graph::text FROM g_jsonb WHERE id = ?")) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getString(1).isEmpty()) {
                            throw new AssertionError();
                        }
                    }
                }
                jsonbRead.add(System.nanoTime() - t);
                t = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("SELECT graph FROM g_bytea WHERE id = ?")) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(rs.getBytes(1)))) {
                            if (in.readAllBytes().length != text.length()) {
                                throw new AssertionError();
                            }
                        }
                    }
                }
                byteaRead.add(System.nanoTime() - t);
                t = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT jsonb_array_length(graph->'nodes') FROM g_jsonb WHERE id = ?")) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                jsonbQuery.add(System.nanoTime() - t);
            }
            long jsonbSize;
            long byteaSize;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT pg_total_relation_size('g_jsonb'), pg_total_relation_size('g_bytea')")) {
                rs.next();
                jsonbSize = rs.getLong(1) / rounds;
                byteaSize = rs.getLong(2) / rounds;
            }
            System.out.printf("graph %s: %d bytes of JSON (%d compact), %d rounds%n", graph,
                    json.length, text.length(), rounds);
            System.out.printf("jsonb: write %d ms, read %d ms, on disk %d bytes, nodes count in SQL %d ms%n",
                    median(jsonbWrite), median(jsonbRead), jsonbSize, median(jsonbQuery));
            System.out.printf("gzip bytea: write %d ms (gzip included), read %d ms (gunzip included), on disk %d bytes%n",
                    median(byteaWrite), median(byteaRead), byteaSize);
        }
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }
}
