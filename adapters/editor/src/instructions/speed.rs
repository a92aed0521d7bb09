//! "speed ×2", "2x faster", "slow down", `2倍速`: every clip's speed multiplied (0.25-4), the
//! video laid end to end again and the music fitted to it.

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, number, seconds};
use crate::words::{Clause, first_number};

/// The instruction.
pub struct Speed;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_speed",
    can: "change the speed (speed ×2)",
    name: "speed",
    examples: &["speed ×2", "slow down", "2倍速"],
    needs_video: true,
};

impl Instruction for Speed {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks = clause.has(&["speed", "faster", "slower", "fast", "slow"])
            || clause.contains(&["倍速", "加速", "减速", "速度", "慢放", "快放"]);
        if !asks {
            return None;
        }
        let factor = match first_number(clause.text()) {
            Some(n) => n,
            None if clause.has(&["slow", "slower"]) || clause.contains(&["慢"]) => 0.5,
            None => 2.0,
        };
        (factor > 0.0).then(|| json!({"factor": factor.clamp(0.25, 4.0)}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let factor = number(args, "factor").unwrap_or(1.0);
        if (factor - 1.0).abs() < f64::EPSILON {
            return Err("The video already plays at normal speed.".into());
        }
        Ok(Change::edit(
            &ABOUT,
            json!({"factor": factor}),
            context.draft(),
            move |draft| edit::speed(draft, factor),
            |after| format!("The video now plays at {factor}× ({} seconds long).", seconds(edit::video_end(after))),
        ))
    }
}
