//! `ConfusionMatrix`: the 2×2 grid of a binary classifier's counts, shaded by how much of each actual
//! class lands in the cell.

use leptos::prelude::*;

use super::data::ConfusionCounts;
use super::format::{coord, NumberFormat};
use super::frame::{self, DataTable, Frame};
use super::heat_class;

/// The viewBox and margins: the cells fill the plot area.
const FRAME: Frame = Frame { width: 420.0, height: 330.0, left: 120.0, right: 10.0, top: 56.0, bottom: 10.0 };

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The row: 0 for actual negatives, 1 for actual positives.
    pub row: usize,
    /// The column: 0 for predicted negative, 1 for predicted positive.
    pub column: usize,
    /// The rows counted in the cell.
    pub count: usize,
    /// Its share of the actual class (its row): for the positive row's positive cell, the recall. `NaN`
    /// when the class has no rows.
    pub share: f64,
}

/// The four cells, row by row (actual negative first), as scikit-learn orders `confusion_matrix`.
pub fn cells(counts: &ConfusionCounts) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(4);
    for (row, counts) in counts.grid().into_iter().enumerate() {
        let total: usize = counts.iter().sum();
        for (column, count) in counts.into_iter().enumerate() {
            let share = if total == 0 { f64::NAN } else { count as f64 / total as f64 };
            cells.push(Cell { row, column, count, share });
        }
    }
    cells
}

/// A binary confusion matrix: actual classes in rows, predicted in columns, each cell with its count
/// and its share of the actual class (so the diagonal reads as specificity and recall), shaded by that
/// share through the classes `chart-heat-0` to `chart-heat-4`.
///
/// ```ignore
/// <ConfusionMatrix title="Confusion matrix" counts=metrics.confusion.into() actual_title="actual"
///     predicted_title="predicted" negative_label="No" positive_label="Yes" />
/// ```
#[component]
pub fn ConfusionMatrix(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The four counts (`Confusion::into()`).
    counts: ConfusionCounts,
    /// The rows' title ("actual").
    #[prop(into)]
    actual_title: String,
    /// The columns' title ("predicted").
    #[prop(into)]
    predicted_title: String,
    /// The negative class's name ("No", "stays").
    #[prop(into)]
    negative_label: String,
    /// The positive class's name ("Yes", "churns").
    #[prop(into)]
    positive_label: String,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let (x0, x1) = FRAME.x_range();
    let (y1, y0) = FRAME.y_range();
    let (cell_w, cell_h) = ((x1 - x0) / 2.0, (y1 - y0) / 2.0);
    let labels = [negative_label, positive_label];
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    let cells = cells(&counts);
    let grid = cells
        .iter()
        .map(|c| {
            let (x, y) = (x0 + c.column as f64 * cell_w, y0 + c.row as f64 * cell_h);
            let (cx, cy) = (x + cell_w / 2.0, y + cell_h / 2.0);
            view! {
                <g class=heat_class(c.share)>
                    <rect class="chart-cell" x=coord(x) y=coord(y) width=coord(cell_w) height=coord(cell_h)></rect>
                    <text class="chart-cell-count" x=coord(cx) y=coord(cy - 4.0) text-anchor="middle">{c.count}</text>
                    <text class="chart-cell-share" x=coord(cx) y=coord(cy + 16.0) text-anchor="middle">
                        {format.percent(c.share, 1)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let headers = (0..2)
        .map(|i| {
            let (cx, cy) = (x0 + (i as f64 + 0.5) * cell_w, y0 + (i as f64 + 0.5) * cell_h);
            view! {
                <text class="chart-category" x=coord(cx) y=coord(y0 - 8.0) text-anchor="middle">{label(i)}</text>
                <text class="chart-category" x=coord(x0 - 8.0) y=coord(cy) dy="0.32em" text-anchor="end">{label(i)}</text>
            }
        })
        .collect_view();
    let middle_y = coord((y0 + y1) / 2.0);
    let marks = view! {
        <text class="chart-axis-title" x=coord((x0 + x1) / 2.0) y="20" text-anchor="middle">{predicted_title.clone()}</text>
        <text
            class="chart-axis-title"
            x="18"
            y=middle_y.clone()
            text-anchor="middle"
            transform=format!("rotate(-90 18 {middle_y})")
        >
            {actual_title.clone()}
        </text>
        {headers}
        <g class="chart-cells">{grid}</g>
    };
    let cell_text = |c: &Cell| format!("{} ({})", c.count, format.percent(c.share, 1));
    let rows = (0..2)
        .map(|row| {
            let mut line = vec![format!("{actual_title}: {}", label(row))];
            line.extend(cells.iter().filter(|c| c.row == row).map(cell_text));
            line
        })
        .collect();
    let headers = vec![
        String::new(),
        format!("{predicted_title}: {}", label(0)),
        format!("{predicted_title}: {}", label(1)),
    ];
    let table = DataTable { caption: title.clone(), headers, rows };
    frame::figure(
        frame::Figure { kind: "confusion-matrix", frame: FRAME, title, desc, min_width: None },
        marks,
        Vec::new(),
        frame::data_table(table),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn shares_of_the_actual_class() {
        let c = cells(&ConfusionCounts { tp: 30, fp: 10, tn: 90, fn_: 70 });
        let shares: Vec<(usize, f64)> = c.iter().map(|c| (c.count, c.share)).collect();
        assert_eq!(shares, vec![(90, 0.9), (10, 0.1), (70, 0.7), (30, 0.3)]);
        // A class with no rows: shares are NaN (printed as a dash), never a division panic.
        let empty = cells(&ConfusionCounts { tp: 0, fp: 1, tn: 3, fn_: 0 });
        assert!(empty[2].share.is_nan() && empty[3].share.is_nan());
        assert_eq!(NumberFormat::default().percent(empty[2].share, 1), "–");
    }
}
