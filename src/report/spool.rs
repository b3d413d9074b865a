//! Report text that must wait for the end of the run (a JUnit suite's counts come before its
//! test cases; a table's column widths depend on every row), kept in memory while it is small
//! and in a temporary file beyond that, so the report's size never shows in memory.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

use tempfile::SpooledTempFile;

/// How much a spool keeps in memory before it moves to a temporary file.
const IN_MEMORY: usize = 1 << 20;

/// Text written now and read back once at the end; writes are buffered, so that many small
/// ones cost no system call each once the spool is a file.
pub struct Spool {
    file: BufWriter<SpooledTempFile>,
}

impl Default for Spool {
    fn default() -> Self {
        Spool { file: BufWriter::with_capacity(64 << 10, SpooledTempFile::new(IN_MEMORY)) }
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Spool {
    /// Everything written, from the start, as a reader.
    pub fn read_back(&mut self) -> io::Result<impl BufRead + '_> {
        self.file.flush()?;
        let file = self.file.get_mut();
        file.rewind()?;
        Ok(BufReader::with_capacity(64 << 10, file.take(u64::MAX)))
    }

    /// Copies everything written to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        io::copy(&mut self.read_back()?, out).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_was_written_beyond_the_memory_limit() {
        let mut spool = Spool::default();
        let line = "x".repeat(1000) + "\n";
        for _ in 0..2000 {
            spool.write_all(line.as_bytes()).expect("written");
        }
        let mut back = Vec::new();
        spool.copy_to(&mut back).expect("read back");
        assert_eq!(back.len(), 2000 * line.len());
        assert!(back.starts_with(line.as_bytes()));
    }
}
