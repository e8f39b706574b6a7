/// The report's look: one inline style sheet, no web fonts (nothing to download), sized for a
/// laptop screen (a 1180 px column, 15 px type) and for print. Drawn pictures keep their
/// natural size where they fit: their bitmap-font labels turn to mush when scaled down.
public enum ReportStyle {
  /// The text faces, in order of preference. The CJK faces come before the generic fallback so
  /// that class names and text in Chinese draw with real glyphs, not empty boxes: Noto Sans CJK
  /// and Source Han Sans (Linux, Android), PingFang (macOS), Microsoft YaHei (Windows), and
  /// WenQuanYi Micro Hei (Debian's `fonts-wqy-microhei`, which the browser test installs).
  public static let fontStack =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, \"Noto Sans\", "
    + "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", "
    + "\"WenQuanYi Micro Hei\", sans-serif"

  /// Formulas, settings and the command line.
  public static let monospaceFontStack =
    "ui-monospace, \"SFMono-Regular\", Menlo, Consolas, \"DejaVu Sans Mono\", \"Liberation Mono\", "
    + "\"Noto Sans Mono CJK SC\", \"WenQuanYi Micro Hei Mono\", monospace"

  public static let css = """
    :root { --ink: #1d2433; --muted: #5b6478; --line: #dde2ea; --paper: #ffffff; --ground: #f3f5f8;
      --accent: #2f5fb3; --good: #258854; --bad: #cc4034; }
    * { box-sizing: border-box; }
    html { font-family: \(fontStack); font-size: 15px; line-height: 1.5; color: var(--ink);
      background: var(--ground); -webkit-text-size-adjust: 100%; }
    body { margin: 0; }
    .wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
    .page-header { background: #1f2a44; color: #fff; padding: 22px 0 14px; }
    .page-header h1 { margin: 0; font-size: 1.75rem; font-weight: 650; letter-spacing: .01em; }
    .subtitle { margin: 4px 0 12px; color: #c9d3e6; max-width: none; }
    nav { display: flex; flex-wrap: wrap; gap: 6px 8px; }
    nav a { color: #fff; text-decoration: none; font-size: .9rem; padding: 3px 10px;
      border: 1px solid rgba(255,255,255,.28); border-radius: 999px; }
    nav a:hover { background: rgba(255,255,255,.12); }
    main.wrap { padding-top: 20px; padding-bottom: 40px; }
    section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
      padding: 18px 22px 20px; margin: 0 0 18px; }
    h2 { margin: 0 0 12px; font-size: 1.25rem; font-weight: 650; }
    p { margin: 0 0 10px; max-width: 80ch; }
    .note { color: var(--muted); font-size: .9rem; }
    .mono, pre, code { font-family: \(monospaceFontStack); font-size: .86rem; }
    pre.code { background: #f6f8fb; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      white-space: pre-wrap; word-break: break-all; margin: 0 0 12px; }
    .missing { border: 1px dashed #c9a227; background: #fff9e6; color: #5c4a00; border-radius: 8px;
      padding: 10px 14px; margin: 0 0 10px; }
    .metrics { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
      margin: 0 0 14px; }
    .metric { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fafbfd; }
    .metric-label { color: var(--muted); font-size: .85rem; }
    .metric-value { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
    .metric-detail { color: var(--muted); font-size: .8rem; }
    dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 12px; }
    @media (min-width: 900px) { dl.settings.wide { grid-template-columns: max-content 1fr max-content 1fr; } }
    dl.settings dt { color: var(--muted); }
    dl.settings dd { margin: 0; word-break: break-word; }
    .table-scroll { overflow-x: auto; margin: 0 0 12px; }
    table { border-collapse: collapse; font-size: .92rem; }
    caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: 6px; }
    th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
    thead th { background: #f6f8fb; font-weight: 600; border-bottom: 2px solid #c8cfdb; white-space: nowrap; }
    tbody tr:nth-child(even) td { background-color: #fbfcfe; }
    tbody th { font-weight: 600; white-space: nowrap; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    table.compact { font-size: .8rem; }
    table.compact th, table.compact td { padding: 3px 6px; }
    table.compact td.heat { min-width: 2.6em; border: 1px solid #fff; }
    td.heat.strong { color: #fff; }
    .bar-cell { white-space: nowrap; min-width: 210px; }
    .bar-track { display: inline-block; width: 120px; height: 9px; background: #e8ecf2; border-radius: 5px;
      vertical-align: middle; overflow: hidden; margin-right: 8px; }
    .bar-fill { display: block; height: 100%; background: var(--accent); border-radius: 5px; }
    .tone-good .bar-fill { background: var(--good); }
    .tone-bad .bar-fill { background: var(--bad); }
    .bar-value { font-variant-numeric: tabular-nums; white-space: nowrap; }
    figure { margin: 0 0 12px; }
    figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px;
      background: #fff; }
    img.pixelated { image-rendering: pixelated; }
    figcaption { color: var(--muted); font-size: .85rem; margin-top: 4px; }
    .figures { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 18px 22px; margin: 0 0 12px; }
    .figures figure { display: table; margin: 0; max-width: 100%; }
    .figures figcaption { display: table-caption; caption-side: bottom; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin: 0 0 14px; }
    .card { border: 1px solid var(--line); border-left: 4px solid #9aa5b8; border-radius: 8px; padding: 10px;
      background: #fff; }
    .card.tone-good { border-left-color: var(--good); }
    .card.tone-bad { border-left-color: var(--bad); }
    .card figure { margin: 0 0 8px; }
    .card figure img { width: 112px; height: 112px; object-fit: contain; }
    .card-title { font-weight: 600; }
    .card-subtitle { color: var(--muted); font-size: .85rem; margin-bottom: 6px; }
    .bars { display: grid; gap: 3px; }
    .bar-row { display: grid; grid-template-columns: minmax(0, 1fr) 52px 56px; align-items: center; gap: 6px;
      font-size: .8rem; }
    .bar-row .bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .bar-row .bar-track { width: 100%; margin: 0; }
    .bar-row .bar-value { text-align: right; }
    @media print { html { background: #fff; } section { break-inside: avoid; border: none; }
      .page-header { background: #fff; color: var(--ink); } nav { display: none; } }
    """
}
