//! Colour for errors and hints on stderr, and nowhere else: `--color always|never`, or by
//! default (`auto`) only when stderr is a terminal and `NO_COLOR` is unset or empty.

use anstyle::{AnsiColor, Style};

use crate::cli::ColorWhen;

/// Whether stderr's errors and hints are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Decides from `--color`, whether `NO_COLOR` asks for none, and whether stderr is a
    /// terminal.
    pub fn choose(when: ColorWhen, no_color: bool, terminal: bool) -> Self {
        let on = match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && !no_color,
        };
        Self { on }
    }

    /// `error:` in bold red.
    pub fn error(self, text: &str) -> String {
        self.style(Style::new().bold().fg_color(Some(AnsiColor::Red.into())), text)
    }

    /// A hint in cyan.
    pub fn hint(self, text: &str) -> String {
        self.style(Style::new().fg_color(Some(AnsiColor::Cyan.into())), text)
    }

    fn style(self, style: Style, text: &str) -> String {
        if self.on { format!("{style}{text}{style:#}") } else { text.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_when_asked_or_at_a_terminal_without_no_color() {
        let painted = |when, no_color, terminal| Paint::choose(when, no_color, terminal).error("error:") != "error:";
        assert!(painted(ColorWhen::Auto, false, true));
        assert!(!painted(ColorWhen::Auto, true, true), "NO_COLOR");
        assert!(!painted(ColorWhen::Auto, false, false), "a pipe or a file");
        assert!(painted(ColorWhen::Always, true, false));
        assert!(!painted(ColorWhen::Never, false, true));
        assert_eq!(Paint::choose(ColorWhen::Always, false, false).hint("h"), "\u{1b}[36mh\u{1b}[0m");
    }
}
