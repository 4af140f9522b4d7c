//! The act forms of the pages, drawn from the one description per act (`autos_domain::forms`):
//! each field as the input its kind asks for (a date input, money in pt-BR, a select, an
//! operator or officer picker, repeatable rows), with what the person typed kept and the message
//! of a refusal next to its field. A submitted form is split here into its envelope (the act's
//! legal date, the case version the officer saw, a request for one more row, the session's CSRF
//! token) and the act's values, which `autos_domain::forms::decode` turns into the act's JSON
//! ([`read`]); a refusal of the filed act becomes the message the form shows ([`refusal`]).

use std::collections::BTreeMap;
use std::fmt::Write;

use askama::filters::{escape, Html};
use autos_domain::forms::{self, Field, FieldError, FormValues, Kind, PERSON};
use autos_domain::DomainError;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::ApiError;

/// The message at the top of a form refused for its fields.
pub const CHECK_FIELDS: &str = "Confira os campos indicados abaixo.";

/// The lists the pickers offer, looked up by the page.
#[derive(Debug, Default)]
pub struct Pickers {
    /// (registro, "registro — razão social") of the operators in the register.
    pub operators: Vec<(String, String)>,
    /// (officer id, name) of the interventors (diretores fiscais e técnicos, liquidantes).
    pub officers: Vec<(String, String)>,
    /// (officer id, "name — role") of the officers who conduct cases.
    pub assignees: Vec<(String, String)>,
    /// (deadline code, label) of the case's running deadlines.
    pub deadlines: Vec<(String, String)>,
    /// (id, "nome — cargo") of the operator's administrators.
    pub administrators: Vec<(String, String)>,
    /// (case id, "família — aberto em") of the operator's cases.
    pub cases: Vec<(String, String)>,
    /// An id for a new person, drawn when the form is first shown.
    pub fresh_id: String,
}

/// What a person sent with a form, and what was wrong with it.
#[derive(Debug, Default, Clone)]
pub struct Filled {
    pub values: FormValues,
    /// Message by field path.
    pub errors: BTreeMap<String, String>,
    /// The repeatable field that gets one more row.
    pub more_rows: Option<String>,
}

/// The envelope of a submitted act form.
#[derive(Debug, Default)]
pub struct Envelope {
    /// The act's legal date as typed (`_data`).
    pub date: String,
    /// The case version the officer saw (`_versao`).
    pub version: Option<i64>,
}

/// Splits a submitted form: inputs named `_…` are the envelope, the rest the act's values.
pub fn split(pairs: Vec<(String, String)>) -> (Envelope, Filled) {
    let mut envelope = Envelope::default();
    let mut filled = Filled::default();
    for (name, value) in pairs {
        match name.as_str() {
            "_data" => envelope.date = value,
            "_versao" => envelope.version = value.trim().parse().ok(),
            "_acrescentar" => filled.more_rows = Some(value),
            // The session's token (`_csrf`), checked before any handler runs (`crate::http::csrf`),
            // and any other envelope field: never one of the act's values.
            other if other.starts_with('_') => {}
            _ => {
                filled.values.insert(name, value);
            }
        }
    }
    (envelope, filled)
}

/// A submitted form read as the act `act`: its JSON (with the `act` tag) and its legal date, or
/// `None` when a field or the date could not be read — each message then is in `filled`.
pub fn read(
    act: &str,
    fields: &[Field],
    envelope: &Envelope,
    filled: &mut Filled,
) -> Option<(Value, Option<NaiveDate>)> {
    let occurred_on = match envelope.date.trim() {
        "" => None,
        text => {
            let date = forms::parse_date(text);
            if date.is_none() {
                filled.errors.insert("_data".into(), "data inválida; use DD/MM/AAAA".into());
            }
            date
        }
    };
    let mut object: Map<String, Value> = match forms::decode(fields, &filled.values) {
        Ok(object) => object,
        Err(errors) => {
            for FieldError { path, message } in errors {
                filled.errors.insert(path, message);
            }
            return None;
        }
    };
    if !filled.errors.is_empty() {
        return None;
    }
    object.insert("act".into(), act.into());
    Some((Value::Object(object), occurred_on))
}

/// How the form shows a refusal of the act it filed: a problem with one of its fields goes next
/// to the field (and [`CHECK_FIELDS`] at the top); the law's refusal at the top with its rule and
/// norm; a stale version or a missing record with its status.
///
/// # Errors
/// The error itself when the server failed (5xx): the page shows it, not the form.
pub fn refusal(error: ApiError, fields: &[Field], filled: &mut Filled) -> Result<(StatusCode, String), ApiError> {
    if let ApiError::Domain(DomainError::Invalid { field, message }) = &error {
        let root = field.split('.').next().unwrap_or(field);
        if fields.iter().any(|f| f.name == root) {
            filled.errors.insert(field.clone(), message.clone());
            return Ok((StatusCode::BAD_REQUEST, CHECK_FIELDS.into()));
        }
    }
    let problem = error.problem();
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
    if status.is_server_error() {
        return Err(error);
    }
    let message = match (&problem.rule_id, &problem.norm) {
        (Some(rule), Some(norm)) => format!("{} (regra {rule}; {norm})", problem.detail),
        _ => problem.detail,
    };
    Ok((status, message))
}

fn esc(text: &str) -> String {
    escape(text, Html).map(|s| s.to_string()).unwrap_or_default()
}

/// The HTML of an act's fields (inside the page's `<form>`).
pub fn render(fields: &[Field], filled: &Filled, pickers: &Pickers) -> String {
    let mut html = String::new();
    render_fields(&mut html, fields, "", filled, pickers);
    html
}

fn path_of(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A DOM id for a field path (`multa.valor_base` → `campo-multa-valor_base`).
pub fn input_id(path: &str) -> String {
    format!("campo-{}", path.replace('.', "-"))
}

fn render_fields(html: &mut String, fields: &[Field], prefix: &str, filled: &Filled, pickers: &Pickers) {
    for field in fields {
        render_field(html, field, &path_of(prefix, field.name), filled, pickers);
    }
}

fn value<'a>(filled: &'a Filled, path: &str) -> &'a str {
    filled.values.get(path).map_or("", String::as_str)
}

/// The label, the hint with its norm, and the field's message if it was refused.
fn label(html: &mut String, field: &Field, path: &str, filled: &Filled) {
    let mark = if field.required { " <span class=\"obrigatorio\" aria-hidden=\"true\">*</span>" } else { "" };
    let _ = write!(html, "<label for=\"{}\">{}{mark}</label>", input_id(path), esc(field.label));
    hint(html, field, path);
    error(html, path, filled);
}

fn hint(html: &mut String, field: &Field, path: &str) {
    let norm = if field.norm.is_empty() { String::new() } else { format!(" <cite>{}</cite>", esc(field.norm)) };
    if !field.help.is_empty() || !norm.is_empty() {
        let _ = write!(html, "<small id=\"{}-ajuda\">{}{norm}</small>", input_id(path), esc(field.help));
    }
}

fn error(html: &mut String, path: &str, filled: &Filled) {
    if let Some(message) = filled.errors.get(path) {
        let _ =
            write!(html, "<span class=\"erro\" role=\"alert\" id=\"{}-erro\">{}</span>", input_id(path), esc(message));
    }
}

fn described_by(field: &Field, path: &str, filled: &Filled) -> String {
    let id = input_id(path);
    let mut ids = Vec::new();
    if !field.help.is_empty() || !field.norm.is_empty() {
        ids.push(format!("{id}-ajuda"));
    }
    if filled.errors.contains_key(path) {
        ids.push(format!("{id}-erro"));
    }
    let invalid = if filled.errors.contains_key(path) { " aria-invalid=\"true\"" } else { "" };
    if ids.is_empty() {
        invalid.to_owned()
    } else {
        format!(" aria-describedby=\"{}\"{invalid}", ids.join(" "))
    }
}

fn input(html: &mut String, field: &Field, path: &str, filled: &Filled, attributes: &str) {
    let required = if field.required { " required" } else { "" };
    let _ = write!(
        html,
        "<input id=\"{}\" name=\"{}\" value=\"{}\"{attributes}{required}{}>",
        input_id(path),
        esc(path),
        esc(value(filled, path)),
        described_by(field, path, filled)
    );
}

fn select(html: &mut String, field: &Field, path: &str, filled: &Filled, options: &[(String, String)]) {
    let chosen = value(filled, path);
    let required = if field.required { " required" } else { "" };
    let _ = write!(
        html,
        "<select id=\"{}\" name=\"{}\"{required}{}><option value=\"\">— escolha —</option>",
        input_id(path),
        esc(path),
        described_by(field, path, filled)
    );
    for (value, text) in options {
        let selected = if value == chosen { " selected" } else { "" };
        let _ = write!(html, "<option value=\"{}\"{selected}>{}</option>", esc(value), esc(text));
    }
    html.push_str("</select>");
}

fn owned(options: &[(&str, &str)]) -> Vec<(String, String)> {
    options.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect()
}

/// The row indexes a repeatable field shows: those typed, plus one empty row to fill (and one
/// more when asked).
fn shown_rows(filled: &Filled, path: &str) -> Vec<usize> {
    let prefix = format!("{path}.");
    let typed: Vec<usize> =
        filled.values.keys().filter_map(|k| k.strip_prefix(&prefix)?.split('.').next()?.parse().ok()).collect();
    let last = typed.iter().copied().max();
    let mut count = last.map_or(1, |l| l + 1);
    let last_has_text = last.is_some_and(|l| {
        let row = format!("{path}.{l}");
        filled.values.iter().any(|(k, v)| (k == &row || k.starts_with(&format!("{row}."))) && !v.trim().is_empty())
    });
    if last_has_text {
        count += 1;
    }
    if filled.more_rows.as_deref() == Some(path) {
        count += 1;
    }
    (0..count).collect()
}

fn more_rows_button(html: &mut String, path: &str) {
    let _ = write!(html, "<button type=\"submit\" class=\"secundario\" name=\"_acrescentar\" value=\"{}\" formnovalidate>Mais uma linha</button>", esc(path));
}

/// Opens the fieldset of a field of several inputs: its legend (marked when required), hint and
/// message.
fn open_fieldset(html: &mut String, field: &Field, path: &str, filled: &Filled, class: &str) {
    let _ = write!(html, "<fieldset class=\"{class}\" id=\"{}\"><legend>{}", input_id(path), esc(field.label));
    if field.required {
        html.push_str(" <span class=\"obrigatorio\" aria-hidden=\"true\">*</span>");
    }
    html.push_str("</legend>");
    hint(html, field, path);
    error(html, path, filled);
}

/// A one-line input with its label, hint and message.
fn text_field(html: &mut String, field: &Field, path: &str, filled: &Filled, attributes: &str) {
    html.push_str("<div class=\"campo\">");
    label(html, field, path, filled);
    input(html, field, path, filled, attributes);
    html.push_str("</div>");
}

/// A select with its label, hint and message.
fn select_field(html: &mut String, field: &Field, path: &str, filled: &Filled, options: &[(String, String)]) {
    html.push_str("<div class=\"campo\">");
    label(html, field, path, filled);
    select(html, field, path, filled, options);
    html.push_str("</div>");
}

fn render_field(html: &mut String, field: &Field, path: &str, filled: &Filled, pickers: &Pickers) {
    let id = input_id(path);
    match field.kind {
        Kind::Text | Kind::Cnpj => text_field(html, field, path, filled, " type=\"text\""),
        Kind::Registro => {
            text_field(html, field, path, filled, " type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{5,6}\"");
        }
        Kind::LongText => {
            html.push_str("<div class=\"campo\">");
            label(html, field, path, filled);
            let required = if field.required { " required" } else { "" };
            let _ = write!(
                html,
                "<textarea id=\"{id}\" name=\"{}\" rows=\"4\"{required}{}>{}</textarea>",
                esc(path),
                described_by(field, path, filled),
                esc(value(filled, path))
            );
            html.push_str("</div>");
        }
        Kind::Date => {
            let typed = value(filled, path);
            let shown = forms::parse_date(typed).map_or_else(|| typed.to_owned(), |d| d.format("%Y-%m-%d").to_string());
            let mut refilled = filled.clone();
            refilled.values.insert(path.to_owned(), shown);
            text_field(html, field, path, &refilled, " type=\"date\"");
        }
        Kind::Money => {
            text_field(html, field, path, filled, " type=\"text\" inputmode=\"decimal\" placeholder=\"1.234,56\"");
        }
        Kind::Decimal => {
            text_field(html, field, path, filled, " type=\"text\" inputmode=\"decimal\" placeholder=\"1,5\"")
        }
        Kind::Count => text_field(html, field, path, filled, " type=\"number\" min=\"0\" step=\"1\""),
        Kind::Quarter => text_field(html, field, path, filled, " type=\"text\" placeholder=\"2024-T1\" size=\"8\""),
        Kind::Flag => {
            let checked = if matches!(value(filled, path), "on" | "sim" | "true") { " checked" } else { "" };
            let _ = write!(
                html,
                "<div class=\"campo marcar\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\"{checked}{}> ",
                esc(path),
                described_by(field, path, filled)
            );
            let _ = write!(html, "<label for=\"{id}\">{}</label>", esc(field.label));
            hint(html, field, path);
            error(html, path, filled);
            html.push_str("</div>");
        }
        Kind::Choice(options) => select_field(html, field, path, filled, &owned(options)),
        Kind::Uf => {
            let ufs: Vec<(String, String)> = autos_domain::Uf::ALL
                .iter()
                .map(|uf| (uf.code().to_owned(), format!("{} — {}", uf.code(), uf.name())))
                .collect();
            select_field(html, field, path, filled, &ufs);
        }
        Kind::Choices(options) => {
            open_fieldset(html, field, path, filled, "campo opcoes");
            for (i, (option, text)) in options.iter().enumerate() {
                let option_path = format!("{path}.{i}");
                let checked = if value(filled, &option_path) == *option { " checked" } else { "" };
                let _ = write!(
                    html,
                    "<div class=\"marcar\"><input type=\"checkbox\" id=\"{}\" name=\"{}\" value=\"{}\"{checked}> <label for=\"{}\">{}</label></div>",
                    input_id(&option_path),
                    esc(&option_path),
                    esc(option),
                    input_id(&option_path),
                    esc(text)
                );
                error(html, &option_path, filled);
            }
            html.push_str("</fieldset>");
        }
        Kind::Deadline => {
            let options =
                if pickers.deadlines.is_empty() { owned(forms::DEADLINES) } else { pickers.deadlines.clone() };
            select_field(html, field, path, filled, &options);
        }
        Kind::Officer => select_field(html, field, path, filled, &pickers.officers),
        Kind::Assignee => select_field(html, field, path, filled, &pickers.assignees),
        Kind::Administrator => select_field(html, field, path, filled, &pickers.administrators),
        Kind::Case => select_field(html, field, path, filled, &pickers.cases),
        Kind::NewId => {
            let typed = value(filled, path);
            let id_value = if typed.is_empty() { pickers.fresh_id.as_str() } else { typed };
            let _ = write!(html, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(path), esc(id_value));
        }
        Kind::Operator => {
            text_field(html, field, path, filled, " type=\"text\" list=\"lista-operadoras\" autocomplete=\"off\"")
        }
        Kind::Lines | Kind::Operators => {
            open_fieldset(html, field, path, filled, "campo repetido");
            let list =
                if field.kind == Kind::Operators { " list=\"lista-operadoras\" autocomplete=\"off\"" } else { "" };
            for row in shown_rows(filled, path) {
                let row_path = format!("{path}.{row}");
                let _ = write!(
                    html,
                    "<input type=\"text\" id=\"{}\" name=\"{}\" value=\"{}\" aria-label=\"{} {}\"{list}>",
                    input_id(&row_path),
                    esc(&row_path),
                    esc(value(filled, &row_path)),
                    esc(field.label),
                    row + 1
                );
                error(html, &row_path, filled);
            }
            more_rows_button(html, path);
            html.push_str("</fieldset>");
        }
        Kind::Group(inner) => {
            let _ =
                write!(html, "<fieldset class=\"campo repetido\" id=\"{id}\"><legend>{}</legend>", esc(field.label));
            hint(html, field, path);
            error(html, path, filled);
            for row in shown_rows(filled, path) {
                let row_path = format!("{path}.{row}");
                let _ =
                    write!(html, "<fieldset class=\"linha-grupo\"><legend>{} {}</legend>", esc(field.label), row + 1);
                render_fields(html, inner, &row_path, filled, pickers);
                html.push_str("</fieldset>");
            }
            more_rows_button(html, path);
            html.push_str("</fieldset>");
        }
        Kind::Object(inner) => {
            let _ = write!(html, "<fieldset class=\"campo\" id=\"{id}\"><legend>{}</legend>", esc(field.label));
            hint(html, field, path);
            error(html, path, filled);
            render_fields(html, inner, path, filled, pickers);
            html.push_str("</fieldset>");
        }
        Kind::Variant { tag, options } => {
            let _ = write!(html, "<fieldset class=\"campo\" id=\"{id}\"><legend>{}</legend>", esc(field.label));
            let tag_path = path_of(path, tag);
            let tag_field = Field {
                name: tag,
                label: field.label,
                kind: field.kind,
                required: field.required,
                help: field.help,
                norm: field.norm,
            };
            let choices: Vec<(String, String)> =
                options.iter().map(|(v, l, _)| ((*v).to_owned(), (*l).to_owned())).collect();
            hint(html, field, path);
            error(html, &tag_path, filled);
            select(html, &tag_field, &tag_path, filled, &choices);
            for (value, text, inner) in options.iter().filter(|(_, _, inner)| !inner.is_empty()) {
                let _ = write!(
                    html,
                    "<fieldset class=\"alternativa\" data-quando=\"{}\"><legend>Se {}:</legend>",
                    esc(value),
                    esc(&text.to_lowercase())
                );
                render_fields(html, inner, path, filled, pickers);
                html.push_str("</fieldset>");
            }
            html.push_str("</fieldset>");
        }
        Kind::Person => {
            let _ = write!(html, "<fieldset class=\"campo pessoa\" id=\"{id}\"><legend>{}</legend>", esc(field.label));
            hint(html, field, path);
            error(html, path, filled);
            for (name, text) in PERSON {
                let inner_path = path_of(path, name);
                let _ = write!(
                    html,
                    "<div class=\"campo\"><label for=\"{}\">{}</label><input type=\"text\" id=\"{}\" name=\"{}\" value=\"{}\" autocomplete=\"off\"></div>",
                    input_id(&inner_path),
                    esc(text),
                    input_id(&inner_path),
                    esc(&inner_path),
                    esc(value(filled, &inner_path))
                );
            }
            html.push_str("</fieldset>");
        }
    }
}

/// The datalist of the operator pickers, once per page.
pub fn operator_list(pickers: &Pickers) -> String {
    let mut html = String::from("<datalist id=\"lista-operadoras\">");
    for (registro, text) in &pickers.operators {
        let _ = write!(html, "<option value=\"{}\">{}</option>", esc(registro), esc(text));
    }
    html.push_str("</datalist>");
    html
}

/// Whether any of `fields` (at any depth) is of a kind that `wanted` accepts.
pub fn uses(fields: &[Field], wanted: &dyn Fn(Kind) -> bool) -> bool {
    fields.iter().any(|f| {
        wanted(f.kind)
            || match f.kind {
                Kind::Group(inner) | Kind::Object(inner) => uses(inner, wanted),
                Kind::Variant { options, .. } => options.iter().any(|(_, _, inner)| uses(inner, wanted)),
                _ => false,
            }
    })
}

/// An act as filed, for reading: each field of its form that the act's JSON holds, as
/// (label, text) — choices by their label, money and dates in pt-BR, lists joined, officers by
/// name, a person's data never (it is sealed; it is opened only on request, with a purpose).
pub fn summary(fields: &[Field], act: &serde_json::Value, names: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    summarise(&mut lines, fields, act, names, "");
    lines
}

fn summarise(
    lines: &mut Vec<(String, String)>,
    fields: &[Field],
    act: &serde_json::Value,
    names: &BTreeMap<String, String>,
    prefix: &str,
) {
    for field in fields {
        let value = &act[field.name];
        if value.is_null() {
            continue;
        }
        let label = if prefix.is_empty() { field.label.to_owned() } else { format!("{prefix} — {}", field.label) };
        let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        let shown = match field.kind {
            Kind::Object(inner) => {
                summarise(lines, inner, value, names, &label);
                continue;
            }
            Kind::Variant { tag, options } => {
                let chosen = text(&value[tag]);
                let Some((_, option_label, inner)) = options.iter().find(|(v, _, _)| *v == chosen) else { continue };
                lines.push((label.clone(), (*option_label).to_owned()));
                summarise(lines, inner, value, names, &label);
                continue;
            }
            Kind::Group(inner) => {
                for (i, row) in value.as_array().into_iter().flatten().enumerate() {
                    summarise(lines, inner, row, names, &format!("{label} {}", i + 1));
                }
                continue;
            }
            Kind::Person => "dados pessoais protegidos (LGPD)".to_owned(),
            Kind::NewId => continue,
            Kind::Flag => if value.as_bool() == Some(true) { "sim" } else { "não" }.to_owned(),
            Kind::Choice(options) => forms::label_of(options, &text(value)).to_owned(),
            Kind::Choices(options) => value
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| forms::label_of(options, &text(v)).to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            Kind::Uf => autos_domain::Uf::parse(&text(value)).map_or_else(|_| text(value), |uf| uf.name().to_owned()),
            Kind::Deadline => forms::label_of(forms::DEADLINES, &text(value)).to_owned(),
            Kind::Date => {
                forms::parse_date(&text(value)).map_or_else(|| text(value), |d| d.format("%d/%m/%Y").to_string())
            }
            Kind::Money => {
                let amount =
                    text(value).parse::<rust_decimal::Decimal>().map_or_else(|_| text(value), |d| format!("{d:.2}"));
                format!("R$ {}", autos_domain::number_pt_br(&amount))
            }
            Kind::Decimal => autos_domain::number_pt_br(&text(value)),
            Kind::Officer | Kind::Assignee | Kind::Administrator | Kind::Case | Kind::Operator => {
                names.get(&text(value)).cloned().unwrap_or_else(|| text(value))
            }
            Kind::Lines | Kind::Operators => value
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| names.get(&text(v)).cloned().unwrap_or_else(|| text(v)))
                .collect::<Vec<_>>()
                .join("; "),
            Kind::Count | Kind::Text | Kind::LongText | Kind::Registro | Kind::Cnpj | Kind::Quarter => text(value),
        };
        if !shown.is_empty() {
            lines.push((label, shown));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_act_as_filed_reads_in_pt_br() {
        let fields = forms::fields("decidir_primeira_instancia").unwrap();
        let act = serde_json::json!({"act": "decidir_primeira_instancia", "fundamentacao": "infração provada",
            "documento": "Decisão 7/2026", "decisao": {"resultado": "multa",
            "multa": {"valor_base": "80000.00", "circunstancias": ["a1"], "multiplicador_coletivo": "2.5"}}});
        let lines = summary(fields, &act, &BTreeMap::new());
        let text: Vec<String> = lines.iter().map(|(l, t)| format!("{l}: {t}")).collect();
        assert!(text.contains(&"Decisão: Multa".to_owned()), "{text:?}");
        assert!(text.contains(&"Decisão — Multa — Valor-base: R$ 80.000,00".to_owned()), "{text:?}");
        assert!(text.contains(&"Decisão — Multa — Multiplicador do efeito coletivo: 2,5".to_owned()), "{text:?}");
        assert!(text.contains(&"Documento: Decisão 7/2026".to_owned()), "{text:?}");
    }

    #[test]
    fn a_refused_form_keeps_what_was_typed_and_shows_the_message_by_its_field() {
        let fields = forms::fields("lavrar_auto_infracao").unwrap();
        let mut filled = Filled::default();
        filled.values.insert("fatos".into(), "negou <cobertura>".into());
        filled.values.insert("data_infracao".into(), "15/01/2026".into());
        filled.errors.insert("processo".into(), "campo obrigatório".into());
        let html = render(fields, &filled, &Pickers::default());
        assert!(html.contains("negou &#60;cobertura&#62;") || html.contains("negou &lt;cobertura&gt;"), "{html}");
        assert!(html.contains("value=\"2026-01-15\""), "a typed date is shown in the date input: {html}");
        let message = html.find("id=\"campo-processo-erro\"").expect("the message is by its field");
        let input = html.find("id=\"campo-processo\"").unwrap();
        assert!(message < input, "the message comes with its label, before the input");
        assert!(html.contains("aria-invalid=\"true\""));
    }

    #[test]
    fn repeatable_fields_show_one_empty_row_more_and_one_more_on_request() {
        let fields = forms::fields("instaurar_direcao_fiscal").unwrap();
        let mut filled = Filled::default();
        filled.values.insert("motivos.0".into(), "insuficiência de garantias".into());
        let html = render(fields, &filled, &Pickers::default());
        assert!(html.contains("name=\"motivos.1\"") && !html.contains("name=\"motivos.2\""), "{html}");
        filled.more_rows = Some("motivos".into());
        let html = render(fields, &filled, &Pickers::default());
        assert!(html.contains("name=\"motivos.2\""), "{html}");
    }

    #[test]
    fn a_list_of_choices_is_drawn_as_checkboxes_that_keep_what_was_ticked_and_reads_by_its_labels() {
        let fields = forms::fields("assinar_acordo").unwrap();
        let mut filled = Filled::default();
        filled.values.insert("obrigacoes.1".into(), "grupos_de_trabalho_e_camaras_tecnicas".into());
        let html = render(fields, &filled, &Pickers::default());
        assert!(
            html.contains("name=\"obrigacoes.1\" value=\"grupos_de_trabalho_e_camaras_tecnicas\" checked"),
            "{html}"
        );
        assert!(html.contains("name=\"obrigacoes.0\" value=\"eventos\">"), "an unticked box: {html}");
        let act = serde_json::json!({"obrigacoes": ["eventos", "reunioes"]});
        let lines = summary(fields, &act, &BTreeMap::new());
        assert!(
            lines.contains(&("Obrigações pactuadas".into(), "Participação em eventos; Reuniões".into())),
            "{lines:?}"
        );
    }

    #[test]
    fn the_envelope_is_split_from_the_values() {
        let (envelope, filled) = split(vec![
            ("_data".into(), "2026-01-10".into()),
            ("_versao".into(), "3".into()),
            ("_acrescentar".into(), "parcelas".into()),
            ("_csrf".into(), "9c1d".into()),
            ("documento".into(), "SEI 1".into()),
        ]);
        assert_eq!(envelope.date, "2026-01-10");
        assert_eq!(envelope.version, Some(3));
        assert_eq!(filled.more_rows.as_deref(), Some("parcelas"));
        assert_eq!(filled.values.keys().collect::<Vec<_>>(), ["documento"]);
    }
}
