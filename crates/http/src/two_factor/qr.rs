//! QR codes of otpauth:// URIs: SVG markup to inline in a page, and a PNG on request.

use qrcode::{Color, EcLevel, QrCode};

/// Pixels per module in the PNG, and the quiet zone around the code, in modules.
const PNG_SCALE: usize = 6;
const QUIET_ZONE: usize = 4;

fn code(data: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(data, EcLevel::M).ok()
}

/// An `<svg>` element (no XML prolog, so it can be inlined in HTML).
pub fn svg(data: &str) -> Option<String> {
    let image = code(data)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// A greyscale PNG, black modules on white.
pub fn png(data: &str) -> Option<Vec<u8>> {
    let code = code(data)?;
    let width = code.width();
    let side = (width + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
        for dy in 0..PNG_SCALE {
            let row = (y * PNG_SCALE + dy) * side + x * PNG_SCALE;
            pixels[row..row + PNG_SCALE].fill(0);
        }
    }
    let side = u32::try_from(side).ok()?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}
