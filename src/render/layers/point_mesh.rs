//! Many point symbols in one mesh: when thousands of points are in view, each one drawn as its
//! own egui shape (a circle with a halo is tessellated anew every frame) costs several
//! milliseconds; here each symbol is a few triangles of one mesh, with its white halo, in the
//! symbol's shape (dots and rings as octagons).

use egui::{Color32, Mesh, Pos2, Shape, vec2};

use crate::style::Symbol;

/// Fewer points than this in a layer are drawn one shape each (exact circles).
pub const MESH_FROM: usize = 400;

/// The outline of a symbol of radius 1, centred on the origin.
fn outline(symbol: Symbol) -> &'static [[f32; 2]] {
    const O: f32 = std::f32::consts::FRAC_1_SQRT_2;
    const OCTAGON: [[f32; 2]; 8] = [
        [1.0, 0.0],
        [O, O],
        [0.0, 1.0],
        [-O, O],
        [-1.0, 0.0],
        [-O, -O],
        [0.0, -1.0],
        [O, -O],
    ];
    const DIAMOND: [[f32; 2]; 4] = [[0.0, -1.3], [1.3, 0.0], [0.0, 1.3], [-1.3, 0.0]];
    const SQUARE: [[f32; 2]; 4] = [[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]];
    const TRIANGLE: [[f32; 2]; 3] = [[0.0, -1.35], [1.169, 0.675], [-1.169, 0.675]];
    match symbol {
        Symbol::Dot | Symbol::Ring => &OCTAGON,
        Symbol::Diamond => &DIAMOND,
        Symbol::Square => &SQUARE,
        Symbol::Triangle => &TRIANGLE,
    }
}

/// Add a filled convex polygon: `outline` scaled by `radius` (plus `grow` outward) around `at`.
fn fan(mesh: &mut Mesh, at: Pos2, outline: &[[f32; 2]], radius: f32, grow: f32, color: Color32) {
    let base = mesh.vertices.len() as u32;
    for [x, y] in outline {
        let len = (x * x + y * y).sqrt().max(f32::MIN_POSITIVE);
        let r = radius + grow / len;
        mesh.colored_vertex(at + vec2(x * r, y * r), color);
    }
    for i in 1..outline.len() as u32 - 1 {
        mesh.add_triangle(base, base + i, base + i + 1);
    }
}

/// Add a band between two scaled copies of `outline` (a ring).
fn band(mesh: &mut Mesh, at: Pos2, outline: &[[f32; 2]], inner: f32, outer: f32, color: Color32) {
    let base = mesh.vertices.len() as u32;
    for [x, y] in outline {
        mesh.colored_vertex(at + vec2(x * inner, y * inner), color);
        mesh.colored_vertex(at + vec2(x * outer, y * outer), color);
    }
    let n = outline.len() as u32;
    for i in 0..n {
        let (a, b) = (base + 2 * i, base + 2 * ((i + 1) % n));
        mesh.add_triangle(a, a + 1, b);
        mesh.add_triangle(b, a + 1, b + 1);
    }
}

/// Paint `points` (screen position, colour and radius) as `symbol`s, each with its halo.
pub fn paint_points(painter: &egui::Painter, points: &[(Pos2, Color32, f32)], symbol: Symbol) {
    let shape = outline(symbol);
    let mut mesh = Mesh::default();
    for &(at, color, radius) in points {
        let halo = Color32::WHITE.gamma_multiply(f32::from(color.a()) / 255.0);
        if symbol == Symbol::Ring {
            let width = (radius * 5.0 / 12.0).clamp(2.0, 4.5);
            let mid = radius + 3.5;
            let (inner, outer) = (mid - width / 2.0, mid + width / 2.0);
            band(&mut mesh, at, shape, inner - 1.0, outer + 1.0, halo);
            band(&mut mesh, at, shape, inner, outer, color);
        } else {
            fan(&mut mesh, at, shape, radius, 1.5, halo);
            fan(&mut mesh, at, shape, radius, 0.0, color);
        }
    }
    painter.add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_point_is_its_halo_and_its_symbol() {
        let mut mesh = Mesh::default();
        fan(
            &mut mesh,
            Pos2::new(10.0, 10.0),
            outline(Symbol::Square),
            4.0,
            0.0,
            Color32::RED,
        );
        assert_eq!(mesh.vertices.len(), 4);
        assert_eq!(mesh.indices.len(), 6);
        assert_eq!(mesh.vertices[0].pos, Pos2::new(6.0, 6.0));
        let mut ring = Mesh::default();
        band(
            &mut ring,
            Pos2::ZERO,
            outline(Symbol::Ring),
            2.0,
            3.0,
            Color32::RED,
        );
        assert_eq!(ring.vertices.len(), 16);
        assert_eq!(ring.indices.len(), 48);
    }
}
