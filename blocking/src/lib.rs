//! (filled in this session)
