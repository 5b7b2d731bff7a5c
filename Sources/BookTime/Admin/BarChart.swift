/// A bar chart drawn on the server as SVG: no script, no CDN. It carries its own title and
/// description for screen readers, labelled axes, and a `<title>` on every bar; the page shows
/// the same numbers in a table beneath it.
struct BarChart {
    let title: String
    let xLabel: String
    let yLabel: String
    let bars: [(label: String, value: Int)]
    /// Every how many bars an x-axis label is written (dates: not all 180 fit).
    var labelEvery = 1
    /// How values read on the axis and in the bars' titles (money: `Currency.format`).
    var format: (Int) -> String = { String($0) }

    func svg(id: String) -> String {
        let width = 900.0, height = 420.0
        let left = 80.0, right = 20.0, top = 20.0, bottom = 120.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let step = Self.tickStep(maximum)
        let scaleTop = Int((Double(maximum) / Double(step)).rounded(.up)) * step
        let slot = plotWidth / Double(max(bars.count, 1))
        let barWidth = max(slot * 0.7, 1)
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="\(id)-title">\(HTML.escape(title))</title>
            <desc id="\(id)-desc">\(HTML.escape("Bar chart of \(yLabel.lowercased()) by \(xLabel.lowercased()); the table below lists the same numbers."))</desc>

            """
        var tick = 0
        while tick <= scaleTop {
            let y = top + plotHeight - plotHeight * Double(tick) / Double(scaleTop)
            svg += ##"<line x1="\##(left)" y1="\##(y)" x2="\##(width - right)" y2="\##(y)" stroke="#ddd"/>"##
            svg += ##"<text x="\##(left - 8)" y="\##(y + 4)" text-anchor="end" font-size="12">\##(HTML.escape(format(tick)))</text>"## + "\n"
            tick += step
        }
        for (index, bar) in bars.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let barHeight = plotHeight * Double(bar.value) / Double(scaleTop)
            let label = HTML.escape(bar.label)
            svg += ##"<rect x="\##(x)" y="\##(top + plotHeight - barHeight)" width="\##(barWidth)" height="\##(barHeight)" class="chart-bar" fill="#7a2e1f">"##
            svg += "<title>\(label): \(HTML.escape(format(bar.value)))</title></rect>\n"
            if index % labelEvery == 0 {
                // Long names are cut on the axis; the bar's title and the table have them whole.
                let short = HTML.escape(bar.label.count > 24 ? String(bar.label.prefix(23)) + "…" : bar.label)
                let labelX = x + barWidth / 2
                let labelY = top + plotHeight + 12
                svg += ##"<text x="\##(labelX)" y="\##(labelY)" text-anchor="end" font-size="11" transform="rotate(-45 \##(labelX) \##(labelY))">\##(short)</text>"## + "\n"
            }
        }
        svg += ##"<line x1="\##(left)" y1="\##(top + plotHeight)" x2="\##(width - right)" y2="\##(top + plotHeight)" stroke="#333"/>"##
        svg += ##"<line x1="\##(left)" y1="\##(top)" x2="\##(left)" y2="\##(top + plotHeight)" stroke="#333"/>"## + "\n"
        svg += ##"<text x="\##(left + plotWidth / 2)" y="\##(height - 6)" text-anchor="middle" font-size="13">\##(HTML.escape(xLabel))</text>"##
        svg += ##"<text x="16" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 16 \##(top + plotHeight / 2))">\##(HTML.escape(yLabel))</text>"##
        return svg + "\n</svg>"
    }

    /// 1, 2 or 5 times a power of ten, giving at most about eight grid lines.
    static func tickStep(_ maximum: Int) -> Int {
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] where maximum / (factor * magnitude) <= 8 { return factor * magnitude }
            magnitude *= 10
        }
    }
}
