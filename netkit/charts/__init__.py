"""Chart helpers: Mermaid code blocks for Markdown pages, inline SVG for HTML reports."""
