//! Replicated logs side by side: one row per node, one column per index, each entry coloured by
//! its term, so diverging logs and a lagging follower stand out. Only a window of the newest
//! indexes is drawn (the table scrolls sideways on narrow screens).

use yew::prelude::*;

/// One node's row.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub label: String,
    /// Role class for the row's label dot.
    pub role: &'static str,
    /// The term of each index in the window (`None`: no entry there).
    pub terms: Vec<Option<u64>>,
    /// The node's commit index (entries at or below it are solid).
    pub commit: u64,
    /// The last index the node's snapshot holds (0: none); the log starts after it.
    pub snapshot: u64,
    /// The row belongs to a crashed node (shown from its durable state).
    pub dim: bool,
}

#[derive(Properties, PartialEq)]
pub struct LogTableProps {
    /// The index of the first column.
    pub first: u64,
    pub rows: Vec<LogRow>,
}

/// A colour per term that neighbouring terms never share, as the CSS variables a cell takes:
/// `--term`, and `--ink`, black or white, whichever reads better on it (one of the two always
/// has a contrast of at least 4.58:1, so every cell meets WCAG AA).
pub fn term_colour(term: u64) -> String {
    let hue = (term.wrapping_mul(137) + 200) % 360;
    let ink = if white_reads_better(hue as f64, 0.62, 0.52) { "#fff" } else { "#000" };
    format!("hsl({hue} 62% 52%); --ink: {ink}")
}

/// Whether white text has more contrast than black on `hsl(hue, s, l)` (WCAG 2 luminance).
fn white_reads_better(hue: f64, s: f64, l: f64) -> bool {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let lin = |v: f64| {
        let v = v + m;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    // Contrast with white (1.05 / (lum + 0.05)) against black ((lum + 0.05) / 0.05).
    1.05 / (lum + 0.05) > (lum + 0.05) / 0.05
}

pub fn log_table(p: &LogTableProps) -> Html {
    let width = p.rows.iter().map(|r| r.terms.len()).max().unwrap_or(0);
    let header = (0..width).map(|k| html! { <th scope="col">{ p.first + k as u64 }</th> });
    let rows = p.rows.iter().map(|row| {
        let cells = (0..width).map(|k| {
            let index = p.first + k as u64;
            match row.terms.get(k).copied().flatten() {
                Some(term) => {
                    let committed = index <= row.commit;
                    let class = classes!(
                        "entry",
                        if committed { "committed" } else { "pending" },
                        (index == row.commit).then_some("commit-edge")
                    );
                    let label = &row.label;
                    let committed_words = if committed { tr!(", committed", "，已提交") } else { "" };
                    let title = trf!(
                        "{label}: index {index}, term {term}{committed_words}",
                        "{label}：索引 {index}，任期 {term}{committed_words}"
                    );
                    html! { <td class={class} style={format!("--term: {}", term_colour(term))} title={title}>{ term }</td> }
                }
                None if index <= row.snapshot => {
                    let (label, snapshot) = (&row.label, row.snapshot);
                    let title = trf!(
                        "{label}: index {index} is in the snapshot (through {snapshot})",
                        "{label}：索引 {index} 在快照中（快照到索引 {snapshot}）"
                    );
                    let edge = (index == row.snapshot).then_some("snap-edge");
                    html! { <td class={classes!("snap", edge)} title={title}></td> }
                }
                None => html! { <td class="empty"></td> },
            }
        });
        html! {
            <tr class={classes!(row.dim.then_some("dim"))}>
                <th scope="row"><span class={classes!("dot", row.role)}></span>{ &row.label }
                    <span class="commit-no" title={tr!("commit index", "提交索引")}>{ format!("c{}", row.commit) }</span>
                    if row.snapshot > 0 {
                        <span class="commit-no" title={tr!("snapshot: the log was compacted through this index", "快照：日志已压缩到此索引")}>{ format!("s{}", row.snapshot) }</span>
                    }</th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="log-scroll" data-testid="log">
            if width == 0 {
                <p class="muted">{ tr!("No entries yet: logs fill when a leader accepts client writes.", "还没有条目：领导者接受客户端写入后，日志才会填充。") }</p>
            } else {
                <table class="log">
                    <thead><tr><th scope="col" class="corner">{ tr!("index", "索引") }</th>{ for header }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}

#[cfg(test)]
mod ink_tests {
    use super::white_reads_better;

    #[test]
    fn light_cells_get_black_ink_and_dark_ones_white() {
        assert!(!white_reads_better(60.0, 0.62, 0.52), "yellow");
        assert!(!white_reads_better(120.0, 0.62, 0.52), "green");
        assert!(white_reads_better(240.0, 0.62, 0.52), "blue");
        assert!(white_reads_better(0.0, 0.0, 0.2), "dark grey");
    }
}
