//! Tables that fit the terminal: when stdout is one, the widest columns give way first and a
//! cut cell ends in `…`; into a pipe or a file every cell is whole.

use std::io::IsTerminal;

/// The narrowest a column is cut to.
const NARROWEST: usize = 4;

/// The width of stdout in columns, when it is a terminal.
pub fn stdout_columns() -> Option<usize> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(&stdout).map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// Shrinks `widths` (columns two spaces apart) until they fit in `columns`, the widest
/// first, none below [`NARROWEST`].
pub fn fit(widths: &mut [usize], columns: usize) {
    let mut total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    while total > columns {
        let Some(widest) = widths.iter_mut().filter(|w| **w > NARROWEST).max_by_key(|w| **w) else {
            return;
        };
        *widest -= 1;
        total -= 1;
    }
}

/// `cell` cut to `width` characters, ending in `…` when cut.
pub fn truncate(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_owned();
    }
    let mut cut: String = cell.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_column_gives_way_first() {
        let mut widths = [20, 6, 40];
        fit(&mut widths, 50);
        assert_eq!(widths, [20, 6, 20]);
        assert_eq!(widths.iter().sum::<usize>() + 4, 50);
        let mut narrow = [10, 10];
        fit(&mut narrow, 3);
        assert_eq!(narrow, [NARROWEST, NARROWEST], "never below the narrowest");
    }

    #[test]
    fn a_cut_cell_ends_in_an_ellipsis() {
        assert_eq!(truncate("render_1796024322672", 10), "render_17…");
        assert_eq!(truncate("trip", 10), "trip");
        assert_eq!(truncate("片头欢迎你们", 4), "片头欢…");
    }
}
