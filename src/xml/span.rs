//! Byte spans into a decoded source and their translation to line:column.

use serde::Serialize;

/// A half-open byte range `[start, end)` into the decoded (UTF-8) source text.
///
/// Every element of the model keeps one, so that any finding or any element shown in the
/// UI can point back at the XML it came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self { start: clamp(start), end: clamp(end.max(start)) }
    }
    pub fn at(offset: usize) -> Self {
        Self::new(offset, offset)
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column (in characters, not bytes) in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Offsets of line starts in a source, for turning byte offsets into line:column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    text: std::sync::Arc<str>,
}

impl LineIndex {
    pub fn new(text: std::sync::Arc<str>) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self { line_starts, text }
    }

    pub fn position(&self, offset: u32) -> Position {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column =
            self.text.get(start..end).map(|s| s.chars().count()).unwrap_or(end.saturating_sub(start));
        Position { line: line as u32 + 1, column: column as u32 + 1 }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let index = LineIndex::new("ab\nécrit x\n".into());
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(3), Position { line: 2, column: 1 });
        // "é" is two bytes: byte 10 is the "x", in column 7
        assert_eq!(index.position(10), Position { line: 2, column: 7 });
    }
}
