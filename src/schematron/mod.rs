//! ISO Schematron, run natively on an XPath 2/3 engine (xee-xpath): the ANS kit's rules
//! without a JVM.
