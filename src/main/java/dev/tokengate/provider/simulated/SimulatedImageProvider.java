package dev.tokengate.provider.simulated;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ImageProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws a real PNG of the requested size, deterministically from the prompt: a gradient and shapes whose colours and
 * places come from the prompt's hash. Nothing pretends to depict the prompt.
 */
public final class SimulatedImageProvider implements ImageProvider {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final Vertx vertx;

    public SimulatedImageProvider(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<Result> generate(Deployment deployment, Request request) {
        int[] wh = size(request.size());
        return vertx.executeBlocking(() -> {
            List<Image> images = new ArrayList<>();
            for (int i = 0; i < request.n(); i++) {
                images.add(new Image(draw(request.prompt(), i, wh[0], wh[1]), null, null,
                        "A simulated image for: " + request.prompt()));
            }
            return new Result(images);
        }, false);
    }

    static int[] size(String size) {
        if (size == null || size.equals("auto")) return new int[]{1024, 1024};
        String[] p = size.split("x");
        try {
            int w = Integer.parseInt(p[0]);
            int h = Integer.parseInt(p[1]);
            if (p.length == 2 && w >= 16 && h >= 16 && w <= 4096 && h <= 4096) return new int[]{w, h};
        } catch (RuntimeException ignored) {
            // falls through to the error below
        }
        throw ApiException.invalid("size", "Invalid 'size': '" + size + "'. Use WIDTHxHEIGHT, e.g. 1024x1024.", "invalid_value");
    }

    static byte[] draw(String prompt, int variant, int w, int h) {
        Random r = new Random(prompt.hashCode() * 31L + variant);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, color(r), w, h, color(r)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 120));
            int s = Math.max(8, Math.min(w, h) / (2 + r.nextInt(6)));
            if (r.nextBoolean()) g.fillOval(r.nextInt(w), r.nextInt(h), s, s);
            else g.fillRect(r.nextInt(w), r.nextInt(h), s, s);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Color color(Random r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }
}
