package dev.tokengate.wire.openai;

import dev.tokengate.support.Fixtures;
import java.util.ArrayList;
import java.util.List;

/**
 * Stream events to read two ways and compare: recorded ones, the shapes OpenAI, vLLM and Ollama send, and the unusual
 * and broken ones a reader must leave to the tree path. Written with ' for " (there is no apostrophe in them).
 */
final class ChunkEventCorpus {
    private ChunkEventCorpus() {}

    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** The data of the recorded streams' events, as the upstream wrote it (without [DONE]). */
    static List<String> recorded() {
        List<String> events = new ArrayList<>();
        for (String fixture : List.of("openai/stream-text.sse", "openai/stream-tool-call.sse", "responses/chat-stream-text.sse",
                "responses/chat-stream-tool-call.sse")) {
            for (String event : Fixtures.sseEvents(fixture)) {
                if (event.startsWith("data: {")) events.add(event.substring("data: ".length()));
            }
        }
        return events;
    }

    /** Events of the shapes servers send, each small enough to mutate byte by byte. */
    static List<String> usual() {
        return List.of(
                // OpenAI: role, content, finish, usage chunks
                j("{'id':'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT','object':'chat.completion.chunk','created':1741570283,"
                        + "'model':'gpt-4o-2024-08-06','service_tier':'default','system_fingerprint':'fp_fc9f1d7035','choices':[{'index':0,"
                        + "'delta':{'role':'assistant','content':'','refusal':null},'logprobs':null,'finish_reason':null}],'usage':null}"),
                j("{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1741570283,'model':'gpt-4o','system_fingerprint':"
                        + "'fp_1','choices':[{'index':0,'delta':{'content':' world'},'logprobs':null,'finish_reason':null}],"
                        + "'usage':null,'obfuscation':'aB3x'}"),
                j("{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1741570283,'model':'gpt-4o','choices':[{'index':0,"
                        + "'delta':{},'logprobs':null,'finish_reason':'stop'}]}"),
                j("{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1741570283,'model':'gpt-4o','choices':[],"
                        + "'usage':{'prompt_tokens':19,'completion_tokens':10,'total_tokens':29,'prompt_tokens_details':"
                        + "{'cached_tokens':0,'audio_tokens':0},'completion_tokens_details':{'reasoning_tokens':0,'audio_tokens':0,"
                        + "'accepted_prediction_tokens':0,'rejected_prediction_tokens':0}}}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[],'usage':{'prompt_tokens':7,"
                        + "'completion_tokens':3,'total_tokens':10}}"),
                j("{'usage':{'prompt_tokens':7,'completion_tokens':3,'total_tokens':10},'id':'c','object':'chat.completion.chunk',"
                        + "'created':1,'model':'m','choices':[]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{'content':'x'},"
                        + "'finish_reason':null}],'usage':{'prompt_tokens':7,'completion_tokens':3,'total_tokens':11}}"),
                // tool call fragments
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{'role':"
                        + "'assistant','content':null,'tool_calls':[{'index':0,'id':'call_abc','type':'function','function':"
                        + "{'name':'get_weather','arguments':''}}]},'logprobs':null,'finish_reason':null}]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{'tool_calls':"
                        + "[{'index':0,'function':{'arguments':'{\\'loc'}}]},'logprobs':null,'finish_reason':null}]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{'tool_calls':"
                        + "[{'index':1,'id':'call_2','function':{'name':'f','arguments':'{}'}}]},'finish_reason':null}]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{},"
                        + "'finish_reason':'tool_calls'}]}"),
                // vLLM
                j("{'id':'chatcmpl-9f2','object':'chat.completion.chunk','created':1741570283,'model':'meta-llama/Llama-3.1-8B',"
                        + "'choices':[{'index':0,'delta':{'content':'Hi'},'logprobs':null,'finish_reason':null,'stop_reason':null}]}"),
                j("{'id':'chatcmpl-9f2','object':'chat.completion.chunk','created':1741570283,'model':'meta-llama/Llama-3.1-8B',"
                        + "'choices':[{'index':0,'delta':{'content':'','reasoning_content':'think'},'logprobs':null,"
                        + "'finish_reason':'length','stop_reason':128001,'token_ids':[1,2,3]}],'prompt_token_ids':null}"),
                // Ollama
                j("{'id':'chatcmpl-123','object':'chat.completion.chunk','created':1741570283,'model':'llama3.2',"
                        + "'system_fingerprint':'fp_ollama','choices':[{'index':0,'delta':{'role':'assistant','content':'The'},"
                        + "'finish_reason':null}]}"),
                // escapes and non-ASCII
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':{'content':"
                        + "'a\\nb\\'c\\\\d\\/e\\u00e9\\ud83d\\ude00\\b\\f\\r\\t\\u0000\\uD800x'},'finish_reason':null}]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m\\u00e9','choices':[{'index':0,'delta':"
                        + "{'content':'h\u00e9llo \u8868 \uD83D\uDE00'},'finish_reason':null}]}"),
                j("{'id':'\u00e9','object':'chat.completion.chunk','created':1,'model':'m\u00fc','choices':[]}"),
                j("{'i\\u0064':'c','obj\\u0065ct':'chat.completion.chunk','created':1,'\\u006dodel':'m','choices':[]}"),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[],'\\u0075sage':null}"),
                j("{'id':'c','object':'chat.\\u0063ompletion.chunk','created':1,'model':'m','choices':[]}"),
                // whitespace
                j(" \t{ 'id' : 'c' ,\n'object':'chat.completion.chunk' ,\r\n 'created' :1, 'model': 'm' ,'choices' : [ { 'index' : 0 ,"
                        + " 'delta' : { 'content' : 'x' } , 'finish_reason' : null } ] , 'usage' : { 'prompt_tokens' : 1 ,"
                        + " 'completion_tokens' : 2 , 'total_tokens' : 3 } } \n "),
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[],'usage' :null }"),
                j("{'usage':null ,'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[]}"),
                j("{'usage':null}"),
                // unknown nested keys, arrays, literals
                j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','x':{'a':[1,-2.5e3,{'b':[[],{}]},true,false,"
                        + "null,'s']},'choices':[{'index':0,'delta':{'content':'x','extra':[{'k':null}]},'finish_reason':null,"
                        + "'logprobs':{'content':[{'token':'x','logprob':-0.01,'bytes':[120],'top_logprobs':[]}]}}]}"),
                // duplicates
                j("{'id':'a','id':'b','choices':[]}"),
                j("{'model':'a','model':'b','choices':[]}"),
                j("{'choices':[{'index':0,'index':1,'delta':{}}]}"),
                j("{'choices':[{'delta':{'content':'a','content':'b'}}]}"),
                j("{'choices':[],'usage':{'prompt_tokens':1,'prompt_tokens':2}}"),
                j("{'choices':[],'usage':{'prompt_tokens':1,'completion_tokens':2,'total_tokens':3,'total_tokens':3}}"),
                j("{'choices':[],'service_tier':'a','service_tier':'b','logprobs':1}"),
                j("{'choices':[{'index':0,'delta':{},'finish_reason':null,'logprobs':null,'logprobs':null}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{},'type':'function','type':'function'}]}}]}"),
                // wrong types
                j("{'id':7,'choices':[]}"),
                j("{'id':null,'choices':[]}"),
                j("{'created':'1','choices':[]}"),
                j("{'model':null,'choices':[]}"),
                j("{'choices':{}}"),
                j("{'choices':[1]}"),
                j("{'choices':[{'delta':[]}]}"),
                j("{'choices':[{'delta':{'role':5}}]}"),
                j("{'choices':[{'delta':{'role':'user'}}]}"),
                j("{'choices':[{'delta':{'tool_calls':{}}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':'0'}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':[]}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{'name':1}}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{},'type':5}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{},'type':{'a':1}}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'type':[],'function':{}}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{},'type':[]}]},'finish_reason':null}],'model':'m'}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'function':{},'type':[1,{'a':[]}]}]}}]}"),
                j("{'choices':[{'delta':{'tool_calls':[{'index':0,'id':'x','function':{},'type':'other'}]}}]}"),
                j("{'choices':[],'usage':5}"),
                j("{'choices':[],'usage':{'prompt_tokens':1.0}}"),
                j("{'choices':[],'usage':{'prompt_tokens':1,'completion_tokens':2,'total_tokens':3.0}}"),
                j("{'choices':[],'usage':{'prompt_tokens':1,'completion_tokens':2,'total_tokens':'3'}}"),
                j("{'choices':[],'usage':{'prompt_tokens_details':{'cached_tokens':null}}}"),
                j("{'choices':[],'usage':{'prompt_tokens_details':[]}}"),
                j("{'choices':[],'object':{'a':1}}"),
                j("{'choices':[],'object':'chat.completion'}"),
                j("{'choices':[],'service_tier':{'a':[]}}"),
                j("{'choices':[],'system_fingerprint':3}"),
                j("{'error':{'message':'overloaded'}}"),
                j("{'choices':[],'error':null}"),
                // numbers
                j("{'created':-1,'choices':[{'index':-0,'delta':{}}]}"),
                j("{'created':1.5,'choices':[]}"),
                j("{'created':1e2,'choices':[]}"),
                j("{'created':1E+2,'choices':[]}"),
                j("{'created':10.0,'choices':[]}"),
                j("{'created':9223372036854775807,'choices':[{'index':2147483647,'delta':{}}]}"),
                j("{'created':-9223372036854775808,'choices':[{'index':-2147483648,'delta':{}}]}"),
                j("{'created':9223372036854775808,'choices':[]}"),
                j("{'created':-9223372036854775809,'choices':[]}"),
                j("{'created':99999999999999999999,'choices':[]}"),
                j("{'choices':[{'index':2147483648,'delta':{}}]}"),
                j("{'choices':[{'index':-2147483649,'delta':{}}]}"),
                j("{'choices':[{'index':4294967296,'delta':{}}]}"),
                j("{'choices':[],'usage':{'prompt_tokens':2147483647,'completion_tokens':1,'total_tokens':2147483648}}"),
                j("{'choices':[],'usage':{'prompt_tokens':1,'completion_tokens':2,'total_tokens':18446744073709551616}}"),
                j("{'created':01,'choices':[]}"),
                j("{'created':-,'choices':[]}"),
                j("{'created':+1,'choices':[]}"),
                j("{'created':1.,'choices':[]}"),
                j("{'created':.5,'choices':[]}"),
                j("{'created':1e,'choices':[]}"),
                j("{'created':0x1,'choices':[]}"),
                j("{'created':NaN,'choices':[]}"),
                j("{'created':-Infinity,'choices':[]}"),
                // malformed and trailing content
                j("{'choices':[]} {'choices':[]}"),
                j("{'choices':[]}x"),
                j("{'choices':[]}]"),
                j("{'choices':[]}//"),
                j("{'choices':[],}"),
                j("{'choices':[{'delta':{},}]}"),
                j("{'choices':[1,]}"),
                j("{'choices' []}"),
                j("{'choices':[]"),
                j("{choices:[]}"),
                j("{'choices':['a' 'b']}"),
                j("{'x':tru,'choices':[]}"),
                j("{'x':nul}"),
                j("{'x':falsey}"),
                j("{'x':'\\x'}"),
                j("{'x':'\\u12G4'}"),
                j("{'x':'\\u12'}"),
                j("{'x':'a\tb'}"),
                j("{'x\u0001':1}"),
                j("{'x':'\u007f'}"),
                j("{'x':1}\u000b"),
                "{'x':1}",
                "[1,2]",
                "\"s\"",
                "5",
                "null",
                "not json",
                "",
                "   ",
                "{}",
                " {} ",
                "{\"choices\":[");
    }

    /** Events at the limits of the gateway's Jackson settings: nesting, number and name lengths. */
    static List<String> atLimits() {
        String chunk = j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[],'x':%s}");
        String name = j("{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[],'%s':1}");
        List<String> events = new ArrayList<>();
        for (int depth : new int[]{198, 199, 200}) events.add(chunk.formatted("[".repeat(depth) + "]".repeat(depth)));
        for (int depth : new int[]{198, 199, 200}) events.add(chunk.formatted("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
        for (int digits : new int[]{199, 200, 201}) {
            events.add(chunk.formatted("1".repeat(digits)));
            events.add(chunk.formatted("-" + "1".repeat(digits)));
            events.add(chunk.formatted("1".repeat(digits - 100) + "." + "1".repeat(100)));
            events.add(chunk.formatted("1".repeat(digits - 100) + "." + "1".repeat(99) + "e+1"));
            events.add(chunk.formatted("1".repeat(digits - 1) + "E1"));
        }
        for (int length : new int[]{49_999, 50_000, 50_001}) {
            events.add(name.formatted("a".repeat(length)));
            events.add(name.formatted("\\u0061".repeat(length)));
            events.add(name.formatted("\u00e9".repeat(length / 2) + "a".repeat(length % 2)));
            events.add(name.formatted("\\u00e9".repeat(length / 2) + "a".repeat(length % 2)));
            events.add(name.formatted("\u8868".repeat(length / 3) + "a".repeat(length % 3)));
            events.add(name.formatted("\\u8868".repeat(length / 3) + "a".repeat(length % 3)));
            events.add(name.formatted("\uD83D\uDE00".repeat(length / 4) + "a".repeat(length % 4)));
            events.add(name.formatted("\\ud83d\\ude00".repeat(length / 6) + "a".repeat(length % 6)));
        }
        return events;
    }
}
