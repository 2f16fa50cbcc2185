package example;

/** Prints where it runs, as JSON: the engine tests read the architecture from it. */
public final class ArchInfo {
    public static void main(String[] args) {
        String arch = System.getProperty("os.arch");
        String java = System.getProperty("java.specification.version");
        System.out.println("{\"arch\": \"" + arch + "\", \"java\": \"" + java
                + "\", \"greeting\": \"hello from java\"}");
    }
}
