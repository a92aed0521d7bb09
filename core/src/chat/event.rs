//! One event of a chat turn, whatever shape the service sent it in: agent-framework events
//! (ADK), the vendor's simple typed events, run errors, or anything else kept opaque.
//! Adapters map the wire JSON to these; one wire event may become several (one per part).

/// One thing that happened during a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// Text from the agent. `partial: true` is a delta; `partial: false` is a whole message
    /// (which, after deltas, repeats their text and must not be shown twice).
    Text {
        /// The text.
        text: String,
        /// Whether this is a delta.
        partial: bool,
    },
    /// The agent called a tool (shown as progress, never as chat text).
    ToolCall {
        /// The tool's name.
        name: String,
        /// Its arguments.
        args: serde_json::Value,
    },
    /// A tool answered (shown as progress, never as chat text).
    ToolResult {
        /// The tool's name.
        name: String,
        /// Its answer.
        result: serde_json::Value,
    },
    /// A keep-alive (`{"type":"heartbeat"}`, an empty `data:`, or a `:` comment).
    Heartbeat,
    /// The agent framework marked the turn complete (`turnComplete: true`).
    TurnComplete,
    /// A model-level failure (`errorCode` / `errorMessage`).
    ModelError {
        /// The code, for example `SAFETY`.
        code: String,
        /// The message.
        message: String,
    },
    /// A run error (`{"error": "..."}`).
    RunError {
        /// The message.
        message: String,
    },
    /// Anything else, kept as received.
    Opaque(serde_json::Value),
}
