// The Allure report could not be made: the tool is missing, or `allure generate` failed.
package dev.lockstep.reports;

/** The Allure report could not be made; the message is one line saying why and what to do. */
public final class AllureException extends Exception {
    private static final long serialVersionUID = 1L;

    public AllureException(String message) {
        super(ResultFormatException.oneLine(message));
    }

    public AllureException(String message, Throwable cause) {
        super(ResultFormatException.oneLine(message), cause);
    }
}
