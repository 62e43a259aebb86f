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

/// A colour per term that neighbouring terms never share.
pub fn term_colour(term: u64) -> String {
    let hue = (term.wrapping_mul(137) + 200) % 360;
    format!("hsl({hue} 62% 52%)")
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
                    let title = format!(
                        "{}: index {index}, term {term}{}",
                        row.label,
                        if committed { ", committed" } else { "" }
                    );
                    html! { <td class={class} style={format!("--term: {}", term_colour(term))} title={title}>{ term }</td> }
                }
                None if index <= row.snapshot => {
                    let title = format!("{}: index {index} is in the snapshot (through {})", row.label, row.snapshot);
                    let edge = (index == row.snapshot).then_some("snap-edge");
                    html! { <td class={classes!("snap", edge)} title={title}></td> }
                }
                None => html! { <td class="empty"></td> },
            }
        });
        html! {
            <tr class={classes!(row.dim.then_some("dim"))}>
                <th scope="row"><span class={classes!("dot", row.role)}></span>{ &row.label }
                    <span class="commit-no" title="commit index">{ format!("c{}", row.commit) }</span>
                    if row.snapshot > 0 {
                        <span class="commit-no" title="snapshot: the log was compacted through this index">{ format!("s{}", row.snapshot) }</span>
                    }</th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="log-scroll" data-testid="log">
            if width == 0 {
                <p class="muted">{ "No entries yet: logs fill when a leader accepts client writes." }</p>
            } else {
                <table class="log">
                    <thead><tr><th scope="col" class="corner">{ "index" }</th>{ for header }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
