package io.zkclob.gateway;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * One spelling for an integer in a query parameter or path segment: ASCII digits with an optional minus, or the empty
 * string (the parameter left out, as the document's allowEmptyValue says). Spring's own number editor (NumberUtils)
 * first strips every whitespace character anywhere in the value and reads hex: {@code ?endTimeMs=%1D} (a control
 * character Java counts as whitespace) was read as left out and answered 200 (the long fuzz run's finding), and
 * {@code ?limit=1%202} read as 12, {@code ?limit=0x10} as 16. Anything else is a type mismatch, 400 MALFORMED_REQUEST
 * (ProblemHandler; -1100 on /api/v3). The range of each parameter is its handler's (and the document's) to check.
 * <p>An editor, not a Converter: when a ConversionService converter refuses a value, Spring's binder falls back to its
 * default editors and takes whatever they make of it.
 */
@ControllerAdvice
class StrictNumbers {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

    @InitBinder
    void integersAreDigits(WebDataBinder binder) {
        binder.registerCustomEditor(Long.class, new Editor(Long::valueOf));
        binder.registerCustomEditor(long.class, new Editor(Long::valueOf));
        binder.registerCustomEditor(Integer.class, new Editor(Integer::valueOf));
        binder.registerCustomEditor(int.class, new Editor(Integer::valueOf));
    }

    /** valueOf refuses what is out of range (NumberFormatException is an IllegalArgumentException: a type mismatch). */
    private static final class Editor extends PropertyEditorSupport {
        private final Function<String, Number> parse;

        Editor(Function<String, Number> parse) {
            this.parse = parse;
        }

        @Override
        public void setAsText(String text) {
            if (text == null || text.isEmpty()) {
                setValue(null);
            } else if (INTEGER.matcher(text).matches()) {
                setValue(parse.apply(text));
            } else {
                throw new IllegalArgumentException("not an integer of ASCII digits");
            }
        }
    }
}
