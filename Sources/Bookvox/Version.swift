// The bookvox release version (`bookvox --version`).
public enum BookvoxVersion {
    public static let string = "0.5.0"
}
