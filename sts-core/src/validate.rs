//! Client-side checks of the constraints the STS model declares.
//!
//! Generated code calls these helpers; each returns the first violation as a
//! [`ValidationError`] that names the operation, the member, the rule and the
//! value (redacted for sensitive members).

use std::borrow::Cow;

use crate::error::{Rule, ValidationError};

/// Where a value sits in an input: `RoleArn`, `Tags[2]`, `Tags[2].Key`, `TaskPolicyArn.arn`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path {
    Top(&'static str),
    Item(&'static str, usize),
    ItemField(&'static str, usize, &'static str),
    Field(&'static str, &'static str),
}

impl Path {
    fn render(self) -> Cow<'static, str> {
        match self {
            Path::Top(name) => Cow::Borrowed(name),
            Path::Item(list, i) => Cow::Owned(format!("{list}[{i}]")),
            Path::ItemField(list, i, field) => Cow::Owned(format!("{list}[{i}].{field}")),
            Path::Field(parent, field) => Cow::Owned(format!("{parent}.{field}")),
        }
    }
}

/// The character classes used by the patterns of the STS model.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Charset {
    /// `[\w<extra>]`: ASCII letters, digits, `_`, and the extra ASCII characters.
    Word(&'static str),
    /// `[\d]`: ASCII digits.
    Digits,
    /// Characters allowed in XML 1.0 (`\u0009\u000A\u000D\u0020-\uD7FF...`).
    XmlChar,
    /// `[\u0009\u000A\u000D\u0020-\u00FF]`: tab, newlines and Latin-1.
    Latin1,
    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators, numbers and `_.:/=+-@`.
    TagChars,
}

impl Charset {
    fn allows(self, c: char) -> bool {
        match self {
            Charset::Word(extra) => c.is_ascii_alphanumeric() || c == '_' || extra.contains(c),
            Charset::Digits => c.is_ascii_digit(),
            Charset::XmlChar => {
                matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            }
            Charset::Latin1 => matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'),
            Charset::TagChars => {
                c.is_alphabetic()
                    || c.is_numeric()
                    || is_unicode_separator(c)
                    || "_.:/=+-@".contains(c)
            }
        }
    }
}

/// `\p{Z}`: space separators, line separator and paragraph separator.
fn is_unicode_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// The constraints of one string shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StringShape {
    pub(crate) min: Option<u32>,
    pub(crate) max: Option<u32>,
    pub(crate) pattern: Option<(&'static str, Charset)>,
    pub(crate) sensitive: bool,
}

/// The constraints of one integer shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IntShape {
    pub(crate) min: Option<i64>,
    pub(crate) max: Option<i64>,
}

const SHOWN_CHARS: usize = 64;

fn describe(value: &str, sensitive: bool) -> String {
    let n = value.chars().count();
    if sensitive {
        return format!("a value of {n} characters (redacted: sensitive)");
    }
    let shown: String = value.chars().take(SHOWN_CHARS).collect();
    let ellipsis = if n > SHOWN_CHARS { "..." } else { "" };
    format!("{:?}{ellipsis} ({n} characters)", shown)
}

pub(crate) fn required<T>(
    op: &'static str,
    path: Path,
    value: Option<&T>,
) -> Result<(), ValidationError> {
    match value {
        Some(_) => Ok(()),
        None => Err(ValidationError::new(
            op,
            path.render(),
            Rule::Required,
            "nothing",
        )),
    }
}

pub(crate) fn string(
    op: &'static str,
    path: Path,
    value: &str,
    shape: &StringShape,
) -> Result<(), ValidationError> {
    // Byte length bounds the character count from above; only count when needed.
    let too_long = shape
        .max
        .is_some_and(|max| value.len() > max as usize && value.chars().count() > max as usize);
    let too_short = shape
        .min
        .is_some_and(|min| value.len() < min as usize || value.chars().count() < min as usize);
    if too_long || too_short {
        let rule = Rule::Length {
            min: shape.min,
            max: shape.max,
        };
        return Err(ValidationError::new(
            op,
            path.render(),
            rule,
            describe(value, shape.sensitive),
        ));
    }
    if let Some((pattern, charset)) = shape.pattern
        && let Some((pos, bad)) = value.chars().enumerate().find(|&(_, c)| !charset.allows(c))
    {
        let mut given = describe(value, shape.sensitive);
        if !shape.sensitive {
            given.push_str(&format!(
                ": character {bad:?} at position {pos} is not allowed"
            ));
        }
        return Err(ValidationError::new(
            op,
            path.render(),
            Rule::Pattern(pattern),
            given,
        ));
    }
    Ok(())
}

pub(crate) fn int(
    op: &'static str,
    path: Path,
    value: i32,
    shape: &IntShape,
) -> Result<(), ValidationError> {
    let v = i64::from(value);
    if shape.min.is_some_and(|min| v < min) || shape.max.is_some_and(|max| v > max) {
        let rule = Rule::Range {
            min: shape.min,
            max: shape.max,
        };
        return Err(ValidationError::new(
            op,
            path.render(),
            rule,
            value.to_string(),
        ));
    }
    Ok(())
}

pub(crate) fn items<T>(
    op: &'static str,
    path: Path,
    list: &[T],
    min: Option<u32>,
    max: Option<u32>,
) -> Result<(), ValidationError> {
    let n = list.len();
    if min.is_some_and(|min| n < min as usize) || max.is_some_and(|max| n > max as usize) {
        return Err(ValidationError::new(
            op,
            path.render(),
            Rule::Items { min, max },
            format!("{n} items"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: StringShape = StringShape {
        min: Some(2),
        max: Some(64),
        pattern: Some(("[\\w+=,.@-]*", Charset::Word("+=,.@-"))),
        sensitive: false,
    };

    #[test]
    fn word_pattern_accepts_model_characters_only() {
        assert!(string("Op", Path::Top("N"), "john.doe+ci@x=1,2-3_4", &NAME).is_ok());
        let err = string("Op", Path::Top("N"), "john doe", &NAME).unwrap_err();
        assert_eq!(err.rule(), Rule::Pattern("[\\w+=,.@-]*"));
        assert!(
            err.to_string().contains("character ' ' at position 4"),
            "{err}"
        );
        assert!(
            string("Op", Path::Top("N"), "é1", &NAME).is_err(),
            "\\w is ASCII only"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let shape = StringShape {
            min: Some(1),
            max: Some(3),
            pattern: None,
            sensitive: false,
        };
        assert!(string("Op", Path::Top("N"), "ééé", &shape).is_ok());
        assert!(string("Op", Path::Top("N"), "éééé", &shape).is_err());
        assert!(string("Op", Path::Top("N"), "", &shape).is_err());
    }

    #[test]
    fn sensitive_values_are_never_shown() {
        let shape = StringShape {
            min: Some(4),
            max: Some(10),
            pattern: None,
            sensitive: true,
        };
        let err = string("Op", Path::Top("Token"), "hunter2-secret-value", &shape).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("20 characters"), "{text}");
    }

    #[test]
    fn paths_render_with_indexes() {
        let shape = StringShape {
            min: Some(1),
            max: None,
            pattern: None,
            sensitive: false,
        };
        let err = string("Op", Path::ItemField("Tags", 2, "Key"), "", &shape).unwrap_err();
        assert_eq!(err.member(), "Tags[2].Key");
        assert_eq!(
            err.to_string(),
            "Op: Tags[2].Key length must be at least 1 characters; got \"\" (0 characters)"
        );
    }

    #[test]
    fn charsets() {
        assert!(
            Charset::TagChars.allows('ü')
                && Charset::TagChars.allows('٣')
                && Charset::TagChars.allows(' ')
        );
        assert!(!Charset::TagChars.allows('#') && !Charset::TagChars.allows('\t'));
        assert!(Charset::XmlChar.allows('\u{10FFFF}') && !Charset::XmlChar.allows('\u{1}'));
        assert!(Charset::Latin1.allows('ÿ') && !Charset::Latin1.allows('Ā'));
        assert!(Charset::Digits.allows('7') && !Charset::Digits.allows('a'));
    }

    #[test]
    fn ranges_and_items() {
        let shape = IntShape {
            min: Some(900),
            max: Some(43200),
        };
        assert!(int("Op", Path::Top("DurationSeconds"), 900, &shape).is_ok());
        let err = int("Op", Path::Top("DurationSeconds"), 899, &shape).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Op: DurationSeconds must be between 900 and 43200; got 899"
        );
        assert!(items("Op", Path::Top("Tags"), &[0; 51], None, Some(50)).is_err());
        assert!(items("Op", Path::Top("Audience"), &[0u8; 0], Some(1), Some(10)).is_err());
    }
}
