//! The parts of an internal DTD subset that change a document's content, read only when the
//! caller allows a DTD: attribute defaults and types (XML 1.0 3.3) and internal general
//! entities (4.2). External entities are refused; nothing is ever fetched.

use std::collections::HashMap;

use super::XmlError;

/// How an attribute's value is normalized (XML 1.0 3.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// CDATA: whitespace characters become spaces, nothing more.
    Cdata,
    /// ID, IDREF(S), ENTITY, ENTITIES, NMTOKEN(S), NOTATION, enumerations: spaces are also
    /// trimmed and collapsed.
    Tokenized,
}

/// One attribute declaration.
#[derive(Debug, Clone)]
pub struct AttDef {
    /// The attribute's qualified name.
    pub name: String,
    /// Its type.
    pub kind: AttrType,
    /// Whether it is declared of type ID.
    pub is_id: bool,
    /// The default value (unnormalized literal), when declared with one (not #REQUIRED / #IMPLIED).
    pub default: Option<String>,
}

/// What the internal subset declares.
#[derive(Debug, Clone, Default)]
pub struct Dtd {
    /// Attribute declarations by element name.
    pub attlists: HashMap<String, Vec<AttDef>>,
    /// Internal general entities: name -> replacement text (unexpanded literal).
    pub entities: HashMap<String, String>,
}

/// Reads the declarations of a DOCTYPE's content (`name [ExternalID] [ '[' subset ']' ]`).
pub fn parse(doctype: &str) -> Result<Dtd, XmlError> {
    let mut dtd = Dtd::default();
    let Some(open) = doctype.find('[') else { return Ok(dtd) };
    let close = doctype.rfind(']').unwrap_or(doctype.len());
    let subset = &doctype[open + 1..close.max(open + 1)];
    let mut rest = subset;
    while let Some(start) = rest.find("<!") {
        rest = &rest[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or_else(|| bad("unterminated comment in DTD"))?;
            rest = &rest[end + 3..];
            continue;
        }
        let end = declaration_end(rest).ok_or_else(|| bad("unterminated declaration in DTD"))?;
        let decl = &rest[2..end];
        rest = &rest[end + 1..];
        if let Some(body) = decl.strip_prefix("ATTLIST") {
            attlist(body, &mut dtd)?;
        } else if let Some(body) = decl.strip_prefix("ENTITY") {
            entity(body, &mut dtd)?;
        }
        // ELEMENT and NOTATION declarations change nothing canonicalization sees.
    }
    Ok(dtd)
}

fn bad(m: &str) -> XmlError {
    XmlError::Malformed(m.to_string())
}

/// The index of the `>` closing the declaration at the start of `s`, skipping quoted literals.
fn declaration_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(2) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits a declaration body into tokens: names, parenthesized groups, quoted literals.
fn tokens(body: &str) -> Result<Vec<String>, XmlError> {
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            chars.next();
            let mut lit = String::new();
            loop {
                match chars.next() {
                    Some(d) if d == c => break,
                    Some(d) => lit.push(d),
                    None => return Err(bad("unterminated literal in DTD")),
                }
            }
            out.push(format!("{c}{lit}"));
        } else if c == '(' {
            let mut group = String::new();
            for d in chars.by_ref() {
                group.push(d);
                if d == ')' {
                    break;
                }
            }
            out.push(group);
        } else {
            let mut word = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() || d == '"' || d == '\'' || d == '(' {
                    break;
                }
                word.push(d);
                chars.next();
            }
            out.push(word);
        }
    }
    Ok(out)
}

fn literal(t: &str) -> Option<String> {
    t.strip_prefix('"').or_else(|| t.strip_prefix('\'')).map(str::to_string)
}

fn attlist(body: &str, dtd: &mut Dtd) -> Result<(), XmlError> {
    let t = tokens(body)?;
    let Some((element, mut rest)) = t.split_first() else { return Err(bad("empty ATTLIST")) };
    let defs = dtd.attlists.entry(element.clone()).or_default();
    while rest.len() >= 3 {
        let name = rest[0].clone();
        let ty = rest[1].as_str();
        let mut i = 2;
        if ty == "NOTATION" {
            i += 1; // the enumeration group follows
        }
        let kind = if ty == "CDATA" { AttrType::Cdata } else { AttrType::Tokenized };
        let default = match rest.get(i).map(String::as_str) {
            Some("#REQUIRED" | "#IMPLIED") => {
                i += 1;
                None
            }
            Some("#FIXED") => {
                i += 2;
                rest.get(i - 1).and_then(|l| literal(l))
            }
            Some(l) => {
                i += 1;
                literal(l)
            }
            None => return Err(bad("ATTLIST without a default declaration")),
        };
        // XML 1.0 3.3: the first declaration of an attribute binds.
        if !defs.iter().any(|d| d.name == name) {
            defs.push(AttDef { name, kind, is_id: ty == "ID", default });
        }
        rest = &rest[i.min(rest.len())..];
    }
    Ok(())
}

fn entity(body: &str, dtd: &mut Dtd) -> Result<(), XmlError> {
    let t = tokens(body)?;
    if t.first().map(String::as_str) == Some("%") {
        // Parameter entities only matter inside the DTD; an external one would be fetched.
        if t.iter().any(|x| x == "SYSTEM" || x == "PUBLIC") {
            return Err(XmlError::ExternalEntity(t.get(1).cloned().unwrap_or_default()));
        }
        return Ok(());
    }
    let name = t.first().cloned().ok_or_else(|| bad("ENTITY without a name"))?;
    match t.get(1).map(String::as_str) {
        Some("SYSTEM" | "PUBLIC") => Err(XmlError::ExternalEntity(name)),
        Some(l) => {
            let value = literal(l).ok_or_else(|| bad("ENTITY without a value"))?;
            dtd.entities.entry(name).or_insert(value);
            Ok(())
        }
        None => Err(bad("ENTITY without a value")),
    }
}
