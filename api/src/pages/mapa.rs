//! The map of Brazil by UF, drawn as inline SVG from the UF outlines kept as data
//! (`api/data/ufs_brasil.tsv`; its source and how it was made are in `api/data/README.md`): each
//! UF is a link, filled by how many of something it has (five shades, a legend below) and named
//! with its count in a tooltip, so the map reads without script and a screen reader reads the
//! list beside it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::LazyLock;

use askama::filters::{escape, Html};
use autos_domain::Uf;

/// The outlines as kept: one line per UF, `uf`, `nome`, SVG path in the map's coordinates.
const OUTLINES_TSV: &str = include_str!("../../data/ufs_brasil.tsv");

/// The map's drawing area, in the outlines' coordinates.
const VIEW_BOX: &str = "0 0 526 470";

/// The outlines by UF, read once.
static OUTLINES: LazyLock<Vec<(Uf, &'static str)>> = LazyLock::new(|| {
    OUTLINES_TSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let uf = Uf::parse(columns.next()?).ok()?;
            let _name = columns.next()?;
            Some((uf, columns.next()?))
        })
        .collect()
});

/// The fill of a count: none, one, two, three, four or more.
const SHADES: [&str; 5] = ["#eef1f4", "#c6dbef", "#6baed6", "#3182bd", "#08519c"];

fn shade(count: usize) -> &'static str {
    SHADES[count.min(SHADES.len() - 1)]
}

/// What the map counts, in the singular and the plural ("acordo vigente", "acordos vigentes").
pub struct Counted {
    pub one: &'static str,
    pub many: &'static str,
}

impl Counted {
    fn of(&self, count: usize) -> String {
        match count {
            0 => format!("nenhum {}", self.one),
            1 => format!("1 {}", self.one),
            n => format!("{n} {}", self.many),
        }
    }
}

fn esc(text: &str) -> String {
    escape(text, Html).map(|s| s.to_string()).unwrap_or_default()
}

/// The SVG of the map: every UF filled by its count in `counts` (none when absent), linked to
/// `link(uf)`, with the legend.
pub fn svg(counts: &BTreeMap<Uf, usize>, counted: &Counted, title: &str, link: impl Fn(Uf) -> String) -> String {
    let mut html = format!(
        "<figure class=\"mapa\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{VIEW_BOX}\" role=\"img\" aria-labelledby=\"mapa-titulo\"><title id=\"mapa-titulo\">{}</title>",
        esc(title)
    );
    for (uf, outline) in OUTLINES.iter() {
        let count = counts.get(uf).copied().unwrap_or(0);
        let _ = write!(
            html,
            "<a href=\"{}\" aria-label=\"{}: {}\"><path id=\"uf-{}\" data-quantidade=\"{count}\" d=\"{outline}\" fill=\"{}\"><title>{} — {}: {}</title></path></a>",
            esc(&link(*uf)),
            esc(uf.name()),
            esc(&counted.of(count)),
            uf.code(),
            shade(count),
            uf.code(),
            esc(uf.name()),
            esc(&counted.of(count)),
        );
    }
    html.push_str("</svg><figcaption><ul class=\"legenda\">");
    for (i, fill) in SHADES.iter().enumerate() {
        let text = if i + 1 == SHADES.len() { format!("{i} ou mais") } else { i.to_string() };
        let _ = write!(html, "<li><span class=\"amostra\" style=\"background:{fill}\"></span>{text}</li>");
    }
    html.push_str("</ul></figcaption></figure>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_outlines_name_every_uf_once_by_its_name() {
        let names: Vec<(&str, &str)> =
            OUTLINES_TSV.lines().skip(1).filter_map(|l| l.split('\t').next().zip(l.split('\t').nth(1))).collect();
        assert_eq!(names.len(), 27);
        for uf in Uf::ALL {
            let kept: Vec<&str> = names.iter().filter(|(code, _)| *code == uf.code()).map(|(_, n)| *n).collect();
            assert_eq!(kept, [uf.name()], "{uf}");
        }
        assert_eq!(OUTLINES.len(), 27);
        assert!(OUTLINES.iter().all(|(_, d)| d.starts_with('M') && d.ends_with('Z')));
    }

    #[test]
    fn each_uf_is_filled_by_its_count_and_linked() {
        let counts = BTreeMap::from([(Uf::Mg, 1), (Uf::Sp, 7)]);
        let counted = Counted { one: "acordo vigente", many: "acordos vigentes" };
        let html = svg(&counts, &counted, "Acordos", |uf| format!("?uf={uf}&data=2026-01-01"));
        let path_of = |uf: Uf| {
            let at = html.find(&format!("id=\"uf-{uf}\"")).unwrap();
            html[at..at + html[at..].find("</path>").unwrap()].to_owned()
        };
        assert!(path_of(Uf::Sp).contains(&format!("fill=\"{}\"", SHADES[4])), "{}", path_of(Uf::Sp));
        assert!(path_of(Uf::Sp).contains("SP — São Paulo: 7 acordos vigentes"));
        assert!(path_of(Uf::Mg).contains(&format!("fill=\"{}\"", SHADES[1])));
        assert!(path_of(Uf::Ac).contains("nenhum acordo vigente") && path_of(Uf::Ac).contains(SHADES[0]));
        assert!(
            html.contains("href=\"?uf=MG&#38;data=2026-01-01\"")
                || html.contains("href=\"?uf=MG&amp;data=2026-01-01\"")
        );
    }
}
