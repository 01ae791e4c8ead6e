/** One recording: {@code Recorder} (record's run, start to end), {@code SessionPipeline} (records → consumer → graph → monitor → snapshots, shared with the agent), {@code Follower}, live summaries and the status line. */
package io.changegraph.controller.record;
