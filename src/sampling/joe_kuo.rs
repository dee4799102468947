//! Joe and Kuo's primitive polynomials and initial direction numbers for Sobol' sequences, set
//! `new-joe-kuo-6.21201` (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
//! two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008;
//! <https://web.maths.unsw.edu.au/~fkuo/sobol/>), rows `d = 2 ..= 128`.
//!
//! Data only. Each row is `(s, a, m_1 … m_s)`: the degree `s` of the primitive polynomial, its
//! inner coefficients `a` (bits c_1 … c_{s−1} of x^s + c_1 x^{s−1} + … + c_{s−1} x + 1) and the
//! initial direction numbers `m_i` (odd, below 2^i); unused `m` slots are 0. Dimension 1 (van der
//! Corput) has no row. The tests check every polynomial is primitive, every `m_i` is odd and
//! below 2^i, and that each degree's polynomials appear in increasing order.
//!
//! Licence of the direction numbers, reproduced as it requires:
//!
//! ```text
//! Copyright (c) 2008, Frances Y. Kuo and Stephen Joe
//! All rights reserved.
//!
//! Redistribution and use in source and binary forms, with or without
//! modification, are permitted provided that the following conditions are met:
//!
//!     * Redistributions of source code must retain the above copyright
//!       notice, this list of conditions and the following disclaimer.
//!
//!     * Redistributions in binary form must reproduce the above copyright
//!       notice, this list of conditions and the following disclaimer in the
//!       documentation and/or other materials provided with the distribution.
//!
//!     * Neither the names of the copyright holders nor the names of the
//!       University of New South Wales and the University of Waikato
//!       and its contributors may be used to endorse or promote products derived
//!       from this software without specific prior written permission.
//!
//! THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS ``AS IS'' AND ANY
//! EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
//! WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
//! DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDERS BE LIABLE FOR ANY
//! DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
//! (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
//! LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
//! ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
//! (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
//! SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
//! ```

/// One row of the table: degree, coefficients, initial direction numbers (padded with 0).
pub(crate) struct Row {
    pub s: u32,
    pub a: u32,
    pub m: [u32; 10],
}

/// Rows for Sobol' dimensions 2 ..= 128 (index 0 is dimension 2).
#[rustfmt::skip]
pub(crate) const ROWS: [Row; 127] = [
    Row { s: 1, a: 0, m: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, // d = 2
    Row { s: 2, a: 1, m: [1, 3, 0, 0, 0, 0, 0, 0, 0, 0] }, // d = 3
    Row { s: 3, a: 1, m: [1, 3, 1, 0, 0, 0, 0, 0, 0, 0] }, // d = 4
    Row { s: 3, a: 2, m: [1, 1, 1, 0, 0, 0, 0, 0, 0, 0] }, // d = 5
    Row { s: 4, a: 1, m: [1, 1, 3, 3, 0, 0, 0, 0, 0, 0] }, // d = 6
    Row { s: 4, a: 4, m: [1, 3, 5, 13, 0, 0, 0, 0, 0, 0] }, // d = 7
    Row { s: 5, a: 2, m: [1, 1, 5, 5, 17, 0, 0, 0, 0, 0] }, // d = 8
    Row { s: 5, a: 4, m: [1, 1, 5, 5, 5, 0, 0, 0, 0, 0] }, // d = 9
    Row { s: 5, a: 7, m: [1, 1, 7, 11, 19, 0, 0, 0, 0, 0] }, // d = 10
    Row { s: 5, a: 11, m: [1, 1, 5, 1, 1, 0, 0, 0, 0, 0] }, // d = 11
    Row { s: 5, a: 13, m: [1, 1, 1, 3, 11, 0, 0, 0, 0, 0] }, // d = 12
    Row { s: 5, a: 14, m: [1, 3, 5, 5, 31, 0, 0, 0, 0, 0] }, // d = 13
    Row { s: 6, a: 1, m: [1, 3, 3, 9, 7, 49, 0, 0, 0, 0] }, // d = 14
    Row { s: 6, a: 13, m: [1, 1, 1, 15, 21, 21, 0, 0, 0, 0] }, // d = 15
    Row { s: 6, a: 16, m: [1, 3, 1, 13, 27, 49, 0, 0, 0, 0] }, // d = 16
    Row { s: 6, a: 19, m: [1, 1, 1, 15, 7, 5, 0, 0, 0, 0] }, // d = 17
    Row { s: 6, a: 22, m: [1, 3, 1, 15, 13, 25, 0, 0, 0, 0] }, // d = 18
    Row { s: 6, a: 25, m: [1, 1, 5, 5, 19, 61, 0, 0, 0, 0] }, // d = 19
    Row { s: 7, a: 1, m: [1, 3, 7, 11, 23, 15, 103, 0, 0, 0] }, // d = 20
    Row { s: 7, a: 4, m: [1, 3, 7, 13, 13, 15, 69, 0, 0, 0] }, // d = 21
    Row { s: 7, a: 7, m: [1, 1, 3, 13, 7, 35, 63, 0, 0, 0] }, // d = 22
    Row { s: 7, a: 8, m: [1, 3, 5, 9, 1, 25, 53, 0, 0, 0] }, // d = 23
    Row { s: 7, a: 14, m: [1, 3, 1, 13, 9, 35, 107, 0, 0, 0] }, // d = 24
    Row { s: 7, a: 19, m: [1, 3, 1, 5, 27, 61, 31, 0, 0, 0] }, // d = 25
    Row { s: 7, a: 21, m: [1, 1, 5, 11, 19, 41, 61, 0, 0, 0] }, // d = 26
    Row { s: 7, a: 28, m: [1, 3, 5, 3, 3, 13, 69, 0, 0, 0] }, // d = 27
    Row { s: 7, a: 31, m: [1, 1, 7, 13, 1, 19, 1, 0, 0, 0] }, // d = 28
    Row { s: 7, a: 32, m: [1, 3, 7, 5, 13, 19, 59, 0, 0, 0] }, // d = 29
    Row { s: 7, a: 37, m: [1, 1, 3, 9, 25, 29, 41, 0, 0, 0] }, // d = 30
    Row { s: 7, a: 41, m: [1, 3, 5, 13, 23, 1, 55, 0, 0, 0] }, // d = 31
    Row { s: 7, a: 42, m: [1, 3, 7, 3, 13, 59, 17, 0, 0, 0] }, // d = 32
    Row { s: 7, a: 50, m: [1, 3, 1, 3, 5, 53, 69, 0, 0, 0] }, // d = 33
    Row { s: 7, a: 55, m: [1, 1, 5, 5, 23, 33, 13, 0, 0, 0] }, // d = 34
    Row { s: 7, a: 56, m: [1, 1, 7, 7, 1, 61, 123, 0, 0, 0] }, // d = 35
    Row { s: 7, a: 59, m: [1, 1, 7, 9, 13, 61, 49, 0, 0, 0] }, // d = 36
    Row { s: 7, a: 62, m: [1, 3, 3, 5, 3, 55, 33, 0, 0, 0] }, // d = 37
    Row { s: 8, a: 14, m: [1, 3, 1, 15, 31, 13, 49, 245, 0, 0] }, // d = 38
    Row { s: 8, a: 21, m: [1, 3, 5, 15, 31, 59, 63, 97, 0, 0] }, // d = 39
    Row { s: 8, a: 22, m: [1, 3, 1, 11, 11, 11, 77, 249, 0, 0] }, // d = 40
    Row { s: 8, a: 38, m: [1, 3, 1, 11, 27, 43, 71, 9, 0, 0] }, // d = 41
    Row { s: 8, a: 47, m: [1, 1, 7, 15, 21, 11, 81, 45, 0, 0] }, // d = 42
    Row { s: 8, a: 49, m: [1, 3, 7, 3, 25, 31, 65, 79, 0, 0] }, // d = 43
    Row { s: 8, a: 50, m: [1, 3, 1, 1, 19, 11, 3, 205, 0, 0] }, // d = 44
    Row { s: 8, a: 52, m: [1, 1, 5, 9, 19, 21, 29, 157, 0, 0] }, // d = 45
    Row { s: 8, a: 56, m: [1, 3, 7, 11, 1, 33, 89, 185, 0, 0] }, // d = 46
    Row { s: 8, a: 67, m: [1, 3, 3, 3, 15, 9, 79, 71, 0, 0] }, // d = 47
    Row { s: 8, a: 70, m: [1, 3, 7, 11, 15, 39, 119, 27, 0, 0] }, // d = 48
    Row { s: 8, a: 84, m: [1, 1, 3, 1, 11, 31, 97, 225, 0, 0] }, // d = 49
    Row { s: 8, a: 97, m: [1, 1, 1, 3, 23, 43, 57, 177, 0, 0] }, // d = 50
    Row { s: 8, a: 103, m: [1, 3, 7, 7, 17, 17, 37, 71, 0, 0] }, // d = 51
    Row { s: 8, a: 115, m: [1, 3, 1, 5, 27, 63, 123, 213, 0, 0] }, // d = 52
    Row { s: 8, a: 122, m: [1, 1, 3, 5, 11, 43, 53, 133, 0, 0] }, // d = 53
    Row { s: 9, a: 8, m: [1, 3, 5, 5, 29, 17, 47, 173, 479, 0] }, // d = 54
    Row { s: 9, a: 13, m: [1, 3, 3, 11, 3, 1, 109, 9, 69, 0] }, // d = 55
    Row { s: 9, a: 16, m: [1, 1, 1, 5, 17, 39, 23, 5, 343, 0] }, // d = 56
    Row { s: 9, a: 22, m: [1, 3, 1, 5, 25, 15, 31, 103, 499, 0] }, // d = 57
    Row { s: 9, a: 25, m: [1, 1, 1, 11, 11, 17, 63, 105, 183, 0] }, // d = 58
    Row { s: 9, a: 44, m: [1, 1, 5, 11, 9, 29, 97, 231, 363, 0] }, // d = 59
    Row { s: 9, a: 47, m: [1, 1, 5, 15, 19, 45, 41, 7, 383, 0] }, // d = 60
    Row { s: 9, a: 52, m: [1, 3, 7, 7, 31, 19, 83, 137, 221, 0] }, // d = 61
    Row { s: 9, a: 55, m: [1, 1, 1, 3, 23, 15, 111, 223, 83, 0] }, // d = 62
    Row { s: 9, a: 59, m: [1, 1, 5, 13, 31, 15, 55, 25, 161, 0] }, // d = 63
    Row { s: 9, a: 62, m: [1, 1, 3, 13, 25, 47, 39, 87, 257, 0] }, // d = 64
    Row { s: 9, a: 67, m: [1, 1, 1, 11, 21, 53, 125, 249, 293, 0] }, // d = 65
    Row { s: 9, a: 74, m: [1, 1, 7, 11, 11, 7, 57, 79, 323, 0] }, // d = 66
    Row { s: 9, a: 81, m: [1, 1, 5, 5, 17, 13, 81, 3, 131, 0] }, // d = 67
    Row { s: 9, a: 82, m: [1, 1, 7, 13, 23, 7, 65, 251, 475, 0] }, // d = 68
    Row { s: 9, a: 87, m: [1, 3, 5, 1, 9, 43, 3, 149, 11, 0] }, // d = 69
    Row { s: 9, a: 91, m: [1, 1, 3, 13, 31, 13, 13, 255, 487, 0] }, // d = 70
    Row { s: 9, a: 94, m: [1, 3, 3, 1, 5, 63, 89, 91, 127, 0] }, // d = 71
    Row { s: 9, a: 103, m: [1, 1, 3, 3, 1, 19, 123, 127, 237, 0] }, // d = 72
    Row { s: 9, a: 104, m: [1, 1, 5, 7, 23, 31, 37, 243, 289, 0] }, // d = 73
    Row { s: 9, a: 109, m: [1, 1, 5, 11, 17, 53, 117, 183, 491, 0] }, // d = 74
    Row { s: 9, a: 122, m: [1, 1, 1, 5, 1, 13, 13, 209, 345, 0] }, // d = 75
    Row { s: 9, a: 124, m: [1, 1, 3, 15, 1, 57, 115, 7, 33, 0] }, // d = 76
    Row { s: 9, a: 137, m: [1, 3, 1, 11, 7, 43, 81, 207, 175, 0] }, // d = 77
    Row { s: 9, a: 138, m: [1, 3, 1, 1, 15, 27, 63, 255, 49, 0] }, // d = 78
    Row { s: 9, a: 143, m: [1, 3, 5, 3, 27, 61, 105, 171, 305, 0] }, // d = 79
    Row { s: 9, a: 145, m: [1, 1, 5, 3, 1, 3, 57, 249, 149, 0] }, // d = 80
    Row { s: 9, a: 152, m: [1, 1, 3, 5, 5, 57, 15, 13, 159, 0] }, // d = 81
    Row { s: 9, a: 157, m: [1, 1, 1, 11, 7, 11, 105, 141, 225, 0] }, // d = 82
    Row { s: 9, a: 167, m: [1, 3, 3, 5, 27, 59, 121, 101, 271, 0] }, // d = 83
    Row { s: 9, a: 173, m: [1, 3, 5, 9, 11, 49, 51, 59, 115, 0] }, // d = 84
    Row { s: 9, a: 176, m: [1, 1, 7, 1, 23, 45, 125, 71, 419, 0] }, // d = 85
    Row { s: 9, a: 181, m: [1, 1, 3, 5, 23, 5, 105, 109, 75, 0] }, // d = 86
    Row { s: 9, a: 182, m: [1, 1, 7, 15, 7, 11, 67, 121, 453, 0] }, // d = 87
    Row { s: 9, a: 185, m: [1, 3, 7, 3, 9, 13, 31, 27, 449, 0] }, // d = 88
    Row { s: 9, a: 191, m: [1, 3, 1, 15, 19, 39, 39, 89, 15, 0] }, // d = 89
    Row { s: 9, a: 194, m: [1, 1, 1, 1, 1, 33, 73, 145, 379, 0] }, // d = 90
    Row { s: 9, a: 199, m: [1, 3, 1, 15, 15, 43, 29, 13, 483, 0] }, // d = 91
    Row { s: 9, a: 218, m: [1, 1, 7, 3, 19, 27, 85, 131, 431, 0] }, // d = 92
    Row { s: 9, a: 220, m: [1, 3, 3, 3, 5, 35, 23, 195, 349, 0] }, // d = 93
    Row { s: 9, a: 227, m: [1, 3, 3, 7, 9, 27, 39, 59, 297, 0] }, // d = 94
    Row { s: 9, a: 229, m: [1, 1, 3, 9, 11, 17, 13, 241, 157, 0] }, // d = 95
    Row { s: 9, a: 230, m: [1, 3, 7, 15, 25, 57, 33, 189, 213, 0] }, // d = 96
    Row { s: 9, a: 234, m: [1, 1, 7, 1, 9, 55, 73, 83, 217, 0] }, // d = 97
    Row { s: 9, a: 236, m: [1, 3, 3, 13, 19, 27, 23, 113, 249, 0] }, // d = 98
    Row { s: 9, a: 241, m: [1, 3, 5, 3, 23, 43, 3, 253, 479, 0] }, // d = 99
    Row { s: 9, a: 244, m: [1, 1, 5, 5, 11, 5, 45, 117, 217, 0] }, // d = 100
    Row { s: 9, a: 253, m: [1, 3, 3, 7, 29, 37, 33, 123, 147, 0] }, // d = 101
    Row { s: 10, a: 4, m: [1, 3, 1, 15, 5, 5, 37, 227, 223, 459] }, // d = 102
    Row { s: 10, a: 13, m: [1, 1, 7, 5, 5, 39, 63, 255, 135, 487] }, // d = 103
    Row { s: 10, a: 19, m: [1, 3, 1, 7, 9, 7, 87, 249, 217, 599] }, // d = 104
    Row { s: 10, a: 22, m: [1, 1, 3, 13, 9, 47, 7, 225, 363, 247] }, // d = 105
    Row { s: 10, a: 50, m: [1, 3, 7, 13, 19, 13, 9, 67, 9, 737] }, // d = 106
    Row { s: 10, a: 55, m: [1, 3, 5, 5, 19, 59, 7, 41, 319, 677] }, // d = 107
    Row { s: 10, a: 64, m: [1, 1, 5, 3, 31, 63, 15, 43, 207, 789] }, // d = 108
    Row { s: 10, a: 69, m: [1, 1, 7, 9, 13, 39, 3, 47, 497, 169] }, // d = 109
    Row { s: 10, a: 98, m: [1, 3, 1, 7, 21, 17, 97, 19, 415, 905] }, // d = 110
    Row { s: 10, a: 107, m: [1, 3, 7, 1, 3, 31, 71, 111, 165, 127] }, // d = 111
    Row { s: 10, a: 115, m: [1, 1, 5, 11, 1, 61, 83, 119, 203, 847] }, // d = 112
    Row { s: 10, a: 121, m: [1, 3, 3, 13, 9, 61, 19, 97, 47, 35] }, // d = 113
    Row { s: 10, a: 127, m: [1, 1, 7, 7, 15, 29, 63, 95, 417, 469] }, // d = 114
    Row { s: 10, a: 134, m: [1, 3, 1, 9, 25, 9, 71, 57, 213, 385] }, // d = 115
    Row { s: 10, a: 140, m: [1, 3, 5, 13, 31, 47, 101, 57, 39, 341] }, // d = 116
    Row { s: 10, a: 145, m: [1, 1, 3, 3, 31, 57, 125, 173, 365, 551] }, // d = 117
    Row { s: 10, a: 152, m: [1, 3, 7, 1, 13, 57, 67, 157, 451, 707] }, // d = 118
    Row { s: 10, a: 158, m: [1, 1, 1, 7, 21, 13, 105, 89, 429, 965] }, // d = 119
    Row { s: 10, a: 161, m: [1, 1, 5, 9, 17, 51, 45, 119, 157, 141] }, // d = 120
    Row { s: 10, a: 171, m: [1, 3, 7, 7, 13, 45, 91, 9, 129, 741] }, // d = 121
    Row { s: 10, a: 181, m: [1, 3, 7, 1, 23, 57, 67, 141, 151, 571] }, // d = 122
    Row { s: 10, a: 194, m: [1, 1, 3, 11, 17, 47, 93, 107, 375, 157] }, // d = 123
    Row { s: 10, a: 199, m: [1, 3, 3, 5, 11, 21, 43, 51, 169, 915] }, // d = 124
    Row { s: 10, a: 203, m: [1, 1, 5, 3, 15, 55, 101, 67, 455, 625] }, // d = 125
    Row { s: 10, a: 208, m: [1, 3, 5, 9, 1, 23, 29, 47, 345, 595] }, // d = 126
    Row { s: 10, a: 227, m: [1, 3, 7, 7, 5, 49, 29, 155, 323, 589] }, // d = 127
    Row { s: 10, a: 242, m: [1, 3, 3, 7, 5, 41, 127, 61, 261, 717] }, // d = 128
];
