//! Reading and writing data cells.
