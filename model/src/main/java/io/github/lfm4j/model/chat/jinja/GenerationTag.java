package io.github.lfm4j.model.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code {% generation %}…{% endgeneration %}}: a Hugging Face extension that marks assistant text for training
 * masks. It renders its body unchanged; newer Liquid templates use it, and jinjava would reject it as unknown.
 */
final class GenerationTag implements Tag {
    @Override
    public String getName() {
        return "generation";
    }

    @Override
    public String getEndTagName() {
        return "endgeneration";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        for (Node child : tagNode.getChildren()) out.append(child.render(interpreter).getValue());
        return out.toString();
    }
}
