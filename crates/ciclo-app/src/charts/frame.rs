//! What every chart shares: the plot area inside the viewBox, axes with ticks and titles, the legend,
//! the accessible wrapper (`<figure>`, `<svg role="img">` with a `<title>`) and the data table for
//! screen readers.

use leptos::prelude::*;

use super::format::coord;

/// The plot area: the viewBox's size and the margins left for ticks and titles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The viewBox's width.
    pub width: f64,
    /// The viewBox's height.
    pub height: f64,
    /// The margin at the left (y tick labels and title).
    pub left: f64,
    /// The margin at the right.
    pub right: f64,
    /// The margin at the top.
    pub top: f64,
    /// The margin at the bottom (x tick labels and title).
    pub bottom: f64,
}

impl Frame {
    /// The x coordinates of the plot area, left to right.
    pub fn x_range(&self) -> (f64, f64) {
        (self.left, (self.width - self.right).max(self.left + 1.0))
    }

    /// The y coordinates of the plot area, bottom to top (SVG's y grows downwards).
    pub fn y_range(&self) -> (f64, f64) {
        ((self.height - self.bottom).max(self.top + 1.0), self.top)
    }

    /// The viewBox attribute.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", coord(self.width), coord(self.height))
    }
}

/// A tick: where it stands (an SVG coordinate) and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// The coordinate along the axis.
    pub at: f64,
    /// The label.
    pub label: String,
}

/// The x axis: the base line, tick marks with labels under the plot, vertical grid lines when `grid`, and
/// the axis title centered below.
pub fn x_axis(frame: Frame, ticks: Vec<Tick>, title: String, grid: bool) -> impl IntoView {
    let (x0, x1) = frame.x_range();
    let (y0, y1) = frame.y_range();
    let ticks = ticks
        .into_iter()
        .map(|t| {
            let x = coord(t.at);
            view! {
                <g class="chart-tick">
                    {grid.then(|| view! { <line class="chart-grid" x1=x.clone() x2=x.clone() y1=coord(y0) y2=coord(y1)></line> })}
                    <line x1=x.clone() x2=x.clone() y1=coord(y0) y2=coord(y0 + 5.0)></line>
                    <text x=x y=coord(y0 + 18.0) text-anchor="middle">{t.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <g class="chart-axis chart-axis-x">
            {ticks}
            <line class="chart-baseline" x1=coord(x0) x2=coord(x1) y1=coord(y0) y2=coord(y0)></line>
            <text class="chart-axis-title" x=coord((x0 + x1) / 2.0) y=coord(frame.height - 6.0) text-anchor="middle">{title}</text>
        </g>
    }
}

/// The y axis: the base line, tick labels at the left with horizontal grid lines across the plot, and
/// the axis title turned along the axis.
pub fn y_axis(frame: Frame, ticks: Vec<Tick>, title: String) -> impl IntoView {
    let (x0, x1) = frame.x_range();
    let (y0, y1) = frame.y_range();
    let ticks = ticks
        .into_iter()
        .map(|t| {
            let y = coord(t.at);
            view! {
                <g class="chart-tick">
                    <line class="chart-grid" x1=coord(x0) x2=coord(x1) y1=y.clone() y2=y.clone()></line>
                    <text x=coord(x0 - 6.0) y=y dy="0.32em" text-anchor="end">{t.label}</text>
                </g>
            }
        })
        .collect_view();
    let middle = coord((y0 + y1) / 2.0);
    view! {
        <g class="chart-axis chart-axis-y">
            {ticks}
            <line class="chart-baseline" x1=coord(x0) x2=coord(x0) y1=coord(y0) y2=coord(y1)></line>
            <text
                class="chart-axis-title"
                x="14"
                y=middle.clone()
                text-anchor="middle"
                transform=format!("rotate(-90 14 {middle})")
            >
                {title}
            </text>
        </g>
    }
}

/// One legend entry: the CSS classes of its swatch (a series color, `chart-reference`...) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// The swatch's classes, the same as the mark's, so the stylesheet colors both.
    pub class: String,
    /// The entry's text.
    pub label: String,
}

/// The legend, in HTML under the chart so that it wraps on a narrow screen. Hidden from screen readers,
/// which read the data table instead.
pub fn legend(items: Vec<LegendItem>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let items = items
            .into_iter()
            .map(|item| {
                view! {
                    <li>
                        <span class=format!("chart-swatch {}", item.class)></span>
                        {item.label}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="chart-legend" aria-hidden="true">{items}</ul> }
    })
}

/// The data behind a chart as a table only screen readers see: a caption, column headers, and rows
/// whose first cell heads the row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataTable {
    /// The table's caption (the chart's title).
    pub caption: String,
    /// The column headers.
    pub headers: Vec<String>,
    /// The rows; the first cell of each is a row header.
    pub rows: Vec<Vec<String>>,
}

/// Renders a [`DataTable`], visually hidden.
pub fn data_table(table: DataTable) -> impl IntoView {
    let headers = table.headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view();
    let rows = table
        .rows
        .into_iter()
        .map(|row| {
            let mut cells = row.into_iter();
            let head = cells.next().unwrap_or_default();
            let rest = cells.map(|c| view! { <td>{c}</td> }).collect_view();
            view! {
                <tr>
                    <th scope="row">{head}</th>
                    {rest}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="chart-sr">
            <caption>{table.caption}</caption>
            <thead>
                <tr>{headers}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// At most `max` items of `items`, evenly spaced, the first and the last always kept: a data table of
/// a long series stays readable.
pub fn sample<T: Clone>(items: &[T], max: usize) -> Vec<T> {
    let n = items.len();
    if n <= max {
        return items.to_vec();
    }
    if max < 2 {
        return items.iter().take(max).cloned().collect();
    }
    (0..max).filter_map(|i| items.get(i * (n - 1) / (max - 1)).cloned()).collect()
}

/// An SVG `<title>` (an accessible name, a tooltip). Built by hand: the view macro makes `<title>` an
/// HTML element even inside `<svg>` (leptos_macro 0.8.20), and an HTML `<title>` there names nothing.
pub fn svg_title(text: String) -> impl IntoView {
    leptos::tachys::svg::title().child(text)
}

/// What the wrapper of a chart needs besides its marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The chart's kind, a CSS class and the `data-chart` attribute (`line-chart`).
    pub kind: &'static str,
    /// The viewBox.
    pub frame: Frame,
    /// The accessible name and `<title>`.
    pub title: String,
    /// The `<desc>`, when the caller gives one.
    pub desc: Option<String>,
    /// The least width in CSS pixels that keeps a wide drawing (a tree) legible: the figure then scrolls
    /// sideways on a narrow screen.
    pub min_width: Option<f64>,
}

/// The wrapper of every chart: a `<figure>` with the title as its visible caption, holding the `<svg role="img">` (its accessible name and
/// `<title>` are the title), the legend under it and the hidden data table.
pub fn figure(
    figure: Figure,
    marks: impl IntoView + 'static,
    legend_items: Vec<LegendItem>,
    table: impl IntoView + 'static,
) -> impl IntoView {
    let Figure { kind, frame, title, desc, min_width } = figure;
    let style = min_width.map(|w| format!("min-width: {}px", coord(w)));
    let name = title.clone();
    let caption = title.clone();
    let svg_title = svg_title(title);
    view! {
        <figure class=format!("chart {kind}") data-chart=kind>
            <figcaption class="chart-title">{caption}</figcaption>
            <div class="chart-scroll">
                <svg
                    class="chart-svg"
                    viewBox=frame.view_box()
                    role="img"
                    aria-label=name
                    style=style
                    xmlns="http://www.w3.org/2000/svg"
                >
                    {svg_title}
                    {desc.map(|d| view! { <desc>{d}</desc> })}
                    {marks}
                </svg>
            </div>
            {legend(legend_items)}
            {table}
        </figure>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn sampling_keeps_the_ends() {
        let items: Vec<u32> = (0..100).collect();
        let kept = sample(&items, 5);
        assert_eq!(kept, vec![0, 24, 49, 74, 99]);
        assert_eq!(sample(&[1, 2, 3], 5), vec![1, 2, 3]);
        assert_eq!(sample::<u32>(&[], 5), Vec::<u32>::new());
    }

    #[test]
    fn frame_ranges_are_never_empty() {
        let f = Frame { width: 10.0, height: 10.0, left: 8.0, right: 8.0, top: 8.0, bottom: 8.0 };
        assert!(f.x_range().1 > f.x_range().0);
        assert!(f.y_range().0 > f.y_range().1);
        assert_eq!(f.view_box(), "0 0 10 10");
    }
}
