//! Behaviour tests of the fake service through the Backend port.
